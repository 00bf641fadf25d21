import { basename } from "node:path";
import type { UserImport } from "./emit.js";
import { propertyKey } from "./literal.js";

/** Where the validators of output `out` go: beside it, `caches.ts` → `caches.validators.js` + `.d.ts`. */
export function validatorFiles(out: string): { readonly js: string; readonly dts: string; readonly specifier: string } {
  const [, stem = out, m = ""] = /^(.*?)\.(m?)[cm]?tsx?$/.exec(out) ?? [];
  const js = `${stem}.validators.${m}js`;
  return { js, dts: `${stem}.validators.d.${m}ts`, specifier: `./${basename(js)}` };
}

/** `list` with the import of the sibling module's `validators` as `local`, in specifier order. */
export function withValidators(list: readonly UserImport[], out: string, local: string): UserImport[] {
  const entry = { specifier: validatorFiles(out).specifier, names: [{ name: "validators", local, typeOnly: false }] };
  return [...list, entry].sort((a, b) => (a.specifier < b.specifier ? -1 : 1));
}

/**
 * The sibling module's source, before formatting: ajv standalone code (CommonJS bodies, each run
 * with the runtime's `validatorRequire`) as plain JavaScript, which TypeScript does not check, and
 * its declaration. Each validator stays one `prettier-ignore`d line.
 */
export function validatorModule(validators: ReadonlyMap<string, string>, head: string): { js: string; dts: string } {
  const entries = [...validators].map(
    ([alias, code]) =>
      `  // prettier-ignore\n  ${propertyKey(alias, true)}: ((require) => { const module = { exports: {} }; ${code} return module.exports; })(validatorRequire),`,
  );
  const doc = "/** Alias → precompiled value validator, from the alias's serializer.schema. */\n";
  return {
    js: `${head}import { validatorRequire } from "cachegen";\n\n${doc}export const validators = {\n${entries.join("\n")}\n};\n`,
    dts: `${head}import type { ValueValidator } from "cachegen";\n\n${doc}export declare const validators: Readonly<Record<string, ValueValidator>>;\n`,
  };
}

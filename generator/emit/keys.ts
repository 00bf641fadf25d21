import type { AliasModel } from "../config/model.js";
import { pascalCase, propertyKey } from "./literal.js";

/** The key types of a generated file: each template alias's parameters interface, by alias. */
export interface KeyTypes {
  /** Alias → the name of its parameters interface (`UsersKey`), for aliases with a key template. */
  readonly names: ReadonlyMap<string, string>;
  /** The interfaces' declarations. */
  readonly declarations: string;
}

/**
 * One interface per alias with a key template, `UsersKey` for `users`, named clear of every name in
 * `taken` (which it extends): keyed operations take it besides a string, so a missing or mistyped
 * parameter is a compile error that names the interface.
 */
export function keyTypes(models: readonly AliasModel[], unique: (name: string) => string): KeyTypes {
  const names = new Map<string, string>();
  const declarations: string[] = [];
  for (const { name: alias, key } of models) {
    if (key === undefined) continue;
    const name = unique(`${pascalCase(alias)}Key`);
    names.set(alias, name);
    const members = key.params.map((p) => `readonly ${p.name}: ${p.type};`);
    // Text in a comment: a "*/" in it would end the comment.
    const shown = (text: string) => JSON.stringify(text).replaceAll("*/", "*\\/");
    declarations.push(
      `/** The parameters of key template ${shown(key.text)} (alias ${shown(alias)}); keys may also be strings. */\n` +
        `export interface ${name} {\n${members.join("\n")}\n}`,
    );
  }
  return { names, declarations: declarations.join("\n\n") };
}

/** The registry's `keyVersions` option (alias → computed version), or `undefined` when there is none. */
export function keyVersionsOption(versions: ReadonlyMap<string, string>): string | undefined {
  if (versions.size === 0) return undefined;
  const entries = [...versions].map(([alias, version]) => `${propertyKey(alias, true)}: ${JSON.stringify(version)}`);
  return `keyVersions: { ${entries.join(", ")} }`;
}

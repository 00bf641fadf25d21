/**
 * The generated files as a user's project compiles them: every golden of fixtures/ and the demo's
 * example, copied into a fresh project that installed the packed package, checked against its
 * shipped declarations by each compiler of the matrix, under the strictest settings we promise
 * (README, "Supported TypeScript and Node") with `module` `nodenext` and with `bundler` resolution.
 */
import { cpSync, existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { packedProject } from "../helpers/packed-project.js";
import { COMPILERS, tsc } from "../helpers/typescript.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The settings every user project may have on; the generated files must pass them all. */
const STRICTEST = {
  strict: true,
  target: "ES2023",
  lib: ["ES2023"],
  types: [],
  noEmit: true,
  declaration: true,
  isolatedDeclarations: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  verbatimModuleSyntax: true,
  skipLibCheck: false,
};

const MODULES = {
  nodenext: { module: "NodeNext", moduleResolution: "NodeNext" },
  bundler: { module: "Preserve", moduleResolution: "Bundler" },
};

describe("the generated files in a user's project, against the packed package's declarations", () => {
  let project: string;

  beforeAll(async () => {
    project = await packedProject();
    const goldens = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, "fixtures", d.name, "caches.ts")))
      .map((d) => join("fixtures", d.name));
    for (const dir of [...goldens, join("examples", "basic")]) {
      // Configs and schemas stay behind; so does the demo script (it needs Node's types).
      const filter = (file: string) => !/\.(json|yaml)$|main\.ts$/.test(file);
      cpSync(join(ROOT, dir), join(project, "generated", dir), { recursive: true, filter });
    }
    for (const [name, options] of Object.entries(MODULES)) {
      writeFileSync(
        join(project, `tsconfig.${name}.json`),
        JSON.stringify({ compilerOptions: { ...STRICTEST, ...options }, include: ["generated"] }),
      );
    }
  }, 180_000);

  const cases = Object.entries(COMPILERS).flatMap(([version, bin]) =>
    Object.keys(MODULES).map((module) => [version, module, bin] as const),
  );
  it.each(cases)(
    "TypeScript %s, module %s: isolatedDeclarations, exactOptionalPropertyTypes, skipLibCheck off",
    async (_version, module, bin) => {
      expect(await tsc(bin, ["-p", `tsconfig.${module}.json`], project)).toBe("");
    },
    180_000,
  );
});

// Build: `node scripts/build.mjs [runtime|cli]` (both when no package is named). The runtime first
// compiles the config schema into its generated modules; @cachegen/cli compiles against the
// runtime's declarations, so building it builds the runtime first when that has no dist/ yet. Each
// package gets its own copy of what it ships besides code: the schema, the README and the LICENSE
// (npm packs a workspace from its own folder only).
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import {
  compileConfigTypes,
  compileSchema,
  compileSchemaModule,
  SCHEMA_MODULE_PATH,
  SCHEMA_PATH,
  TYPES_PATH,
  VALIDATOR_PATH,
} from "./compile-schema.mjs";

const root = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

function compile(dir) {
  rmSync(root(`${dir}/dist`), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, "-p", root(`${dir}/tsconfig.build.json`)], { stdio: "inherit" });
  mkdirSync(root(`${dir}/schema`), { recursive: true });
  copyFileSync(SCHEMA_PATH, root(`${dir}/schema/cachegen.schema.json`));
  for (const file of ["README.md", "LICENSE"]) copyFileSync(root(file), root(`${dir}/${file}`));
}

async function buildRuntime() {
  writeFileSync(VALIDATOR_PATH, compileSchema());
  writeFileSync(TYPES_PATH, await compileConfigTypes());
  writeFileSync(SCHEMA_MODULE_PATH, compileSchemaModule());
  compile("runtime");
}

const which = process.argv[2];
if (which !== "cli" || !existsSync(root("runtime/dist/internal.d.ts"))) await buildRuntime();
if (which !== "runtime") {
  compile("generator");
  chmodSync(root("generator/dist/bin.js"), 0o755);
}

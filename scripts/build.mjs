// Build: compile the config schema into its validator and types, then emit JS + .d.ts with tsc.
import { execFileSync } from "node:child_process";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { compileConfigTypes, compileSchema, TYPES_PATH, VALIDATOR_PATH } from "./compile-schema.mjs";

writeFileSync(VALIDATOR_PATH, compileSchema());
writeFileSync(TYPES_PATH, await compileConfigTypes());
rmSync("dist", { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
chmodSync("dist/generator/bin.js", 0o755);

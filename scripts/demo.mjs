// `npm run demo`: generates examples/basic/caches.ts from its YAML config with the CLI (run from
// source, so no build is needed after `npm install`), runs the typed example, then the
// dynamic-registry example.
import { execFileSync } from "node:child_process";

const run = (args) => execFileSync(process.execPath, args, { stdio: "inherit" });

console.log("$ cachegen generate --config examples/basic/cachegen.config.yaml");
run(["--import", "tsx", "generator/bin.ts", "generate", "--config", "examples/basic/cachegen.config.yaml"]);
console.log("\n$ tsx examples/basic/main.ts");
run(["--import", "tsx", "examples/basic/main.ts"]);
console.log("\n$ tsx examples/dynamic/main.ts");
run(["--import", "tsx", "examples/dynamic/main.ts"]);

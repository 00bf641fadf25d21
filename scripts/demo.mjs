// `npm run demo`: generates examples/basic/caches.ts from its YAML config with the built CLI, runs
// the typed example, then the dynamic-registry example. Works after `npm install` (`prepare` builds).
import { execFileSync } from "node:child_process";

const run = (args) => execFileSync(process.execPath, args, { stdio: "inherit" });

console.log("$ cachegen generate --config examples/basic/cachegen.config.yaml");
run(["dist/generator/bin.js", "generate", "--config", "examples/basic/cachegen.config.yaml"]);
console.log("\n$ tsx examples/basic/main.ts");
run(["--import", "tsx", "examples/basic/main.ts"]);
console.log("\n$ tsx examples/dynamic/main.ts");
run(["--import", "tsx", "examples/dynamic/main.ts"]);

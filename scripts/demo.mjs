// `npm run demo`: runs the example against the built package (npm install builds it via `prepare`).
import { execFileSync } from "node:child_process";

execFileSync(process.execPath, ["--import", "tsx", "examples/dynamic/main.ts"], { stdio: "inherit" });

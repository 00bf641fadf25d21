#!/usr/bin/env node
import module from "node:module";
import { main } from "./cli.js";

// Node 22+ keeps compiled code between runs; compiling ts-morph's bundled TypeScript is most of a
// cold run. Node 20 has no such cache, and this is a no-op there.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
process.exitCode = await main(process.argv.slice(2));

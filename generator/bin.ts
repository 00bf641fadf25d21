#!/usr/bin/env node
import module from "node:module";
import { main } from "./cli.js";
import { enableTsMorphCodeCache } from "./code-cache.js";

// Compiling ts-morph's bundled TypeScript is most of a cold run: Node 22+ keeps compiled code
// between runs; on Node 20, cachegen keeps ts-morph's.
const node = module as { enableCompileCache?: () => unknown };
if (node.enableCompileCache) node.enableCompileCache();
else enableTsMorphCodeCache();
process.exitCode = await main(process.argv.slice(2));

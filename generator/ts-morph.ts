import { createRequire } from "node:module";
import type * as TsMorph from "ts-morph";
import { preloadTsMorph } from "./code-cache.js";

let loaded: typeof TsMorph | undefined;

/**
 * ts-morph, loaded on first use: loading it (and the TypeScript compiler it bundles) is the largest
 * part of a cold `cachegen generate`, so the generator starts its other work first. Loaded with
 * `require`, because as an ES import Node first scans the CommonJS bundle for its export names.
 */
export function tsMorph(): typeof TsMorph {
  if (loaded === undefined) {
    preloadTsMorph();
    loaded = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
  }
  return loaded;
}

import { CacheRegistry } from "./registry.js";

/** The dynamic, untyped registry (aiocache's `caches`). Prefer the generated, typed `caches.ts`. */
export const caches = new CacheRegistry();

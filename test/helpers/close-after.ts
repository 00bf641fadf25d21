import { afterAll } from "vitest";
import type { AnyCache } from "../../runtime/index.js";

/** Returns a function that records caches and closes them all after the file's tests. */
export function closeAfterAll(): <T extends AnyCache>(cache: T) => T {
  const caches: AnyCache[] = [];
  afterAll(async () => {
    await Promise.all(caches.map((cache) => cache.close()));
  });
  return (cache) => {
    caches.push(cache);
    return cache;
  };
}

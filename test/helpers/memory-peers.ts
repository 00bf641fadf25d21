import { Cache, NullSerializer, type CacheOptions } from "../../runtime/index.js";
import { MemoryStore } from "../../runtime/backends/memory-store.js";

/**
 * Two caches on one MemoryStore, each with its own in-process state (single-flight): two
 * processes, as far as locks can tell.
 */
export function memoryPeers(options: CacheOptions = {}): readonly [Cache, Cache] {
  const store = new MemoryStore();
  return [new Cache(store, new NullSerializer(), options), new Cache(store, new NullSerializer(), options)];
}

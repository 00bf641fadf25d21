import type { CacheSwitches } from "./options.js";

/** The helpers `cached` adds to a function (and `cachedControls` gives for a method). */
export interface CachedControls<A extends unknown[], R> {
  /** Deletes the entry a call with these arguments uses; `true` if there was one. Cache errors propagate. */
  invalidate(...args: A): Promise<boolean>;
  /** The cache key (before the namespace) a call with these arguments uses. */
  keyFor(...args: A): string;
  /** Calls the function without reading the cache and stores the result (aiocache's `cache_read=False`). */
  refresh(...args: A): Promise<R>;
  /** The function with aiocache's per-call `cache_read` / `cache_write` switches set. */
  with(switches: CacheSwitches): (...args: A) => Promise<R>;
}

/** The helpers `multiCached` adds to a function. */
export interface MultiCachedControls<A extends unknown[], T> {
  /** Deletes the entries of the keys a call with these arguments asks for; resolves to how many existed. */
  invalidate(...args: A): Promise<number>;
  /** The cache keys (before the namespace) of the keys a call with these arguments asks for. */
  keysFor(...args: A): string[];
  /** Calls the function for every key without reading the cache, and stores the results. */
  refresh(...args: A): Promise<T>;
  /** The function with aiocache's per-call `cache_read` / `cache_write` switches set. */
  with(switches: CacheSwitches): (...args: A) => Promise<T>;
}

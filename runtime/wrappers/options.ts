import type { Duration } from "../duration.js";

/** An async function a wrapper can cache, resolving to `R`: its results must arrive through a promise. */
export type AsyncFunction<R = unknown> = (...args: any[]) => Promise<R>;

/** The cache operation that failed, and the key(s) it was for, as `onError` receives them. */
export interface CacheErrorContext {
  readonly operation: "get" | "set" | "multiGet" | "multiSet" | "lock";
  readonly key: string | readonly string[];
}

/** Receives a cache error a wrapper absorbed; throwing from it fails the call instead. */
export type CacheErrorHandler = (error: unknown, context: CacheErrorContext) => void;

/** aiocache's per-call `cache_read` / `cache_write` switches. */
export interface CacheSwitches {
  /** Look in the cache before calling the function. @default true */
  cacheRead?: boolean;
  /** Store the function's result. @default true */
  cacheWrite?: boolean;
}

/** The switches of one call: its own, else the wrapper's, else on. */
export function callSwitches(options: CacheSwitches, switches: CacheSwitches | undefined): Required<CacheSwitches> {
  return {
    cacheRead: switches?.cacheRead ?? options.cacheRead ?? true,
    cacheWrite: switches?.cacheWrite ?? options.cacheWrite ?? true,
  };
}

/** What `refresh` calls with: load without reading the cache, and store the result. */
export const REFRESH: Required<CacheSwitches> = { cacheRead: false, cacheWrite: true };

/** Settings every wrapper shares (`cached`, `multiCached`, `cachedStampede`). */
export interface WrapperOptions extends CacheSwitches {
  /** TTL of stored results; omitted means the cache's default, `0`/`null` no expiry. */
  ttl?: Duration;
  /** Namespace of this wrapper's entries; omitted means the cache's own. */
  namespace?: string;
  /** Per-operation timeout of this wrapper's cache calls; omitted means the cache's own. */
  timeout?: Duration;
  /** Wait for the write before returning (aiocache's `aiocache_wait_for_write`). @default true */
  waitForWrite?: boolean;
  /**
   * Called with each cache error; the function still runs and its result is returned.
   * @default emits a process warning with code `CACHEGEN_WRAPPER_CACHE_ERROR`
   */
  onError?: CacheErrorHandler;
}

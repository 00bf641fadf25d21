import type { GetOrSetOptions } from "../cache-options.js";
import { epochMs, errorCode, loaderChannel } from "../events.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import { loadUnderLease } from "./lease.js";
import { RedLock } from "./red-lock.js";

/** aiocache's default lease for its stampede lock. */
const DEFAULT_LEASE = 2;

/**
 * `getOrSet`'s flow for one flight: the cached value, or the loader's result stored and returned.
 * With `lock`, a lease lock in the cache itself makes callers in every process share one load.
 * A loader result of `undefined` is returned but not stored (it would read as a miss).
 */
export async function loadOnce<V>(
  cache: Pipeline<V>,
  key: string,
  loader: () => V | Promise<V>,
  options: GetOrSetOptions | undefined,
): Promise<V> {
  const load = () => runLoader(cache.alias, key, loader);
  const write = (value: V) => (value === undefined ? undefined : cache.set(key, value, options));
  if (options?.lock !== undefined) {
    const lock = new RedLock(cache, key, options.lease ?? DEFAULT_LEASE, options);
    return loadUnderLease(lock, { read: () => cache.get(key, options), load, write });
  }
  const hit = await cache.get(key, options);
  if (hit !== undefined) return hit;
  const value = await load();
  await write(value);
  return value;
}

/** Runs a loader, and when someone listens on `cachegen:loader`, reports how it went. */
async function runLoader<V>(alias: string | undefined, key: string, loader: () => V | Promise<V>): Promise<V> {
  if (!loaderChannel.hasSubscribers) return loader();
  const start = performance.now();
  const publish = (error: unknown, failed: boolean) =>
    loaderChannel.publish({
      alias,
      key,
      outcome: failed ? "error" : "ok",
      errorCode: failed ? errorCode(error) : undefined,
      error,
      startTime: epochMs(start),
      duration: performance.now() - start,
    });
  try {
    const value = await loader();
    publish(undefined, false);
    return value;
  } catch (error) {
    publish(error, true);
    throw error;
  }
}

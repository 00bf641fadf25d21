import type { TtlMs } from "../backends/backend.js";
import type { GetOrSetOptions } from "../cache-options.js";
import { toMillis } from "../duration.js";
import { CacheTimeoutError } from "../errors.js";
import { epochMs, errorCode, loaderChannel } from "../events.js";
import type { Pipeline } from "../pipeline/pipeline.js";
import type { Loader } from "../policy-options.js";
import type { EnvelopeEntry } from "../serializers/envelope.js";
import type { SingleFlight } from "../single-flight.js";
import { isAvailabilityError } from "./breaker.js";
import { loadUnderLease } from "./lease.js";
import { LoaderRun } from "./loader-context.js";
import { resolvePolicy, type Policy } from "./policy.js";
import { RedLock } from "./red-lock.js";
import { isFresh, type Tiers } from "./tiers.js";

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

/** What the fail-safe flow needs of its cache. */
export interface FlowCache<V> {
  readonly alias: string | undefined;
  readonly tiers: Tiers<V>;
  /** Loader runs in flight by built key: a run that outlives its caller (soft timeout, eager refresh) is joined, not repeated. */
  readonly loads: SingleFlight<string, V>;
  /** Built key → until when a failed refresh serves its stale value without calling the loader. */
  readonly backoff: Map<string, number>;
  ttlOf(options: GetOrSetOptions | undefined): TtlMs;
}

/** The soft timeout fired: answer with the stale value. */
const SOFT = Symbol("soft timeout");

/**
 * `getOrSet` with the fail-safe policies (the alias's, overridden by the call's). A fresh entry is
 * returned (past `eagerRefresh`, a background load refreshes it); otherwise the loader runs, and
 * when it fails or passes its hard timeout, an entry within `grace` is returned instead, and kept
 * for `graceBackoff` before the loader is tried again. With a stale entry the soft timeout answers
 * with it while the loader finishes and stores in the background. A store that is down or skipped
 * by the breaker is no error: the local copy, the stale value or the loader answers.
 */
export async function getOrSetWithPolicy<V>(
  cache: FlowCache<V>,
  key: string,
  built: string,
  loader: Loader<V>,
  options: GetOrSetOptions | undefined,
): Promise<V> {
  const { tiers } = cache;
  const policy = resolvePolicy(options, tiers.policy);
  const useBreaker = options?.circuitBreaker !== false;
  let found: EnvelopeEntry<V> | undefined;
  let down = false;
  try {
    found = await tiers.read(key, options, useBreaker);
  } catch (error) {
    if (!isAvailabilityError(error)) throw error;
    down = true;
    found = tiers.localCopy(built);
  }
  const now = Date.now();
  const load = () =>
    cache.loads.run(built, () => loadAndStore(cache, key, built, loader, options, policy, found, down));
  if (found !== undefined && isFresh(found, now)) {
    if (refreshDue(found, policy, now) && !down) load().catch(() => undefined);
    return found.value;
  }
  const stale =
    found !== undefined &&
    policy.graceMs > 0 &&
    (found.expiresAt === undefined || now < found.expiresAt + policy.graceMs)
      ? found
      : undefined;
  if (stale !== undefined && (cache.backoff.get(built) ?? 0) > now) return stale.value;
  const loading = load();
  loading.catch(() => undefined);
  try {
    const value = await settle(loading, stale === undefined ? undefined : policy.softMs, policy.hardMs, key);
    return value === SOFT ? stale!.value : value;
  } catch (error) {
    if (stale === undefined) throw error;
    cache.backoff.set(built, Date.now() + policy.backoffMs);
    return stale.value;
  }
}

/** Past the eager-refresh point of its lifetime. */
function refreshDue(entry: EnvelopeEntry, policy: Policy, now: number): boolean {
  if (policy.eager === undefined || entry.expiresAt === undefined) return false;
  return now >= entry.createdAt + policy.eager * (entry.expiresAt - entry.createdAt);
}

/** One loader run, its result stored as its context says; it finishes even when its callers stopped waiting. */
async function loadAndStore<V>(
  cache: FlowCache<V>,
  key: string,
  built: string,
  loader: Loader<V>,
  options: GetOrSetOptions | undefined,
  policy: Policy,
  previous: EnvelopeEntry<V> | undefined,
  down: boolean,
): Promise<V> {
  const controller = new AbortController();
  const hard = policy.hardMs;
  const abort =
    hard === undefined ? undefined : setTimeout(() => controller.abort(loaderTimeout(key, hard)), hard).unref();
  const run = new LoaderRun(previous?.value, controller.signal, options?.ttl, options?.tags);
  const createdAt = Date.now();
  let value: V;
  try {
    value = await runLoader(cache.alias, key, () => loader(run));
  } finally {
    clearTimeout(abort);
  }
  cache.backoff.delete(built);
  if (run.skipped || value === undefined || down) return value;
  const ttlMs = run.ttl === options?.ttl ? cache.ttlOf(options) : toMillis(run.ttl, "ttl");
  try {
    await cache.tiers.store(
      key,
      value,
      { createdAt, ttlMs, tags: run.tags },
      options,
      options?.circuitBreaker !== false,
    );
  } catch (error) {
    // The value is good; a store that cannot keep it now is no reason to withhold it.
    if (!isAvailabilityError(error)) throw error;
  }
  return value;
}

/** The loader's value, {@link SOFT} after `softMs`, or `CacheTimeoutError` after `hardMs`. */
function settle<V>(
  loading: Promise<V>,
  softMs: number | undefined,
  hardMs: number | undefined,
  key: string,
): Promise<V | typeof SOFT> {
  if (softMs === undefined && hardMs === undefined) return loading;
  return new Promise((resolve, reject) => {
    const soft = softMs === undefined ? undefined : setTimeout(() => resolve(SOFT), softMs);
    const hard = hardMs === undefined ? undefined : setTimeout(() => reject(loaderTimeout(key, hardMs)), hardMs);
    const done = () => {
      clearTimeout(soft);
      clearTimeout(hard);
    };
    loading.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

function loaderTimeout(key: string, ms: number): CacheTimeoutError {
  return new CacheTimeoutError(
    "loader",
    key,
    ms / 1000,
    `The loader is still running and its result will be stored; raise "loader_hard_timeout" (per call: { loaderHardTimeout }), or set "grace" to answer with the stale value meanwhile.`,
  );
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

import { loadUnderLease, type Lease } from "../coordination/lease.js";
import { RedLock } from "../coordination/red-lock.js";
import { leaseMillis, type Duration } from "../duration.js";
import type { AnyCache } from "../registry.js";
import { SingleFlight } from "../single-flight.js";
import type { CacheChoice, ChosenKey, ChosenValue, UntypedCache, UntypedCacheMap } from "./cache-choice.js";
import type { Cached, CachedFunctionOptions } from "./cached.js";
import { wrapOrDecorate } from "./cached.js";
import { plainFlow, type CachedOptions, type CallSteps, type Flow } from "./engine.js";
import type { AsyncFunction } from "./options.js";
import type { CachingDecorator } from "./wrap.js";

/** Settings of `cachedStampede`: those of `cached`, plus the lease. */
export interface StampedeOptions<R = unknown, K = string> extends CachedOptions<R, K> {
  /** How long one caller may compute before others stop waiting and compute too. @default 2 */
  lease?: Duration;
}

/** aiocache's `cached_stampede` default lease, in seconds. */
const DEFAULT_LEASE = 2;

/**
 * Like {@link cached}, but on a miss only one caller, across every process sharing the cache,
 * computes the value under a lease lock; the others wait for it (aiocache's `cached_stampede`).
 * A lock the store cannot take or release is reported to `onError` and the call goes through.
 */
export function cachedStampede<
  F extends AsyncFunction<ChosenValue<C, M, A>>,
  C extends AnyCache = UntypedCache,
  M = UntypedCacheMap,
  A extends string = string,
>(fn: F, options: CachedFunctionOptions<F, C, M, A> & { lease?: Duration }): Cached<F>;
export function cachedStampede<C extends AnyCache = UntypedCache, M = UntypedCacheMap, A extends string = string>(
  options: StampedeOptions<unknown, ChosenKey<C, M, A>> & CacheChoice<C, M, A>,
): CachingDecorator<ChosenValue<C, M, A>>;
export function cachedStampede(
  fnOrOptions: AsyncFunction | StampedeOptions<unknown, unknown>,
  options?: StampedeOptions<unknown, unknown>,
): unknown {
  const settings = typeof fnOrOptions === "function" ? options : fnOrOptions;
  return wrapOrDecorate("cachedStampede", stampedeFlow(settings?.lease ?? DEFAULT_LEASE), fnOrOptions, options);
}

/**
 * Leased loads, with concurrent calls for one key in this process sharing one (so a process sends
 * one lock attempt per poll, not one per caller). A refresh skips the lease: it loads by definition.
 */
function stampedeFlow(lease: Duration): Flow {
  const leaseMs = leaseMillis(lease);
  const flights = new SingleFlight<string, unknown>();
  return <R>(steps: CallSteps<R>, cacheRead: boolean): Promise<R> => {
    if (!cacheRead) return plainFlow(steps, cacheRead);
    return flights.run(steps.key, () =>
      loadUnderLease(guardedLease(steps, leaseMs), {
        read: () => steps.store.get(steps.key),
        load: () => steps.load(),
        write: (value) => steps.write(value),
      }),
    ) as Promise<R>;
  };
}

/** The lease lock with cache errors absorbed: a lock that cannot be taken counts as taken, so the call goes through. */
function guardedLease<R>(steps: CallSteps<R>, leaseMs: number): Lease {
  let lock: RedLock | undefined;
  // Built per attempt, inside the guard: resolving an alias can fail like any cache call.
  const take = async () => {
    lock = new RedLock(steps.store.cache, steps.key, leaseMs / 1000, steps.store.options);
    return lock.acquire();
  };
  return {
    leaseMs,
    acquire: () => take().catch(steps.store.absorb("lock", steps.key, true)),
    release: async () => lock?.release().catch(steps.store.absorb("lock", steps.key, false)),
  };
}

import type { SetOptions } from "../cache-options.js";
import type { AnyCache } from "../registry.js";
import type { CacheErrorContext, CacheErrorHandler, WrapperOptions } from "./options.js";

/** The default `onError`: a cache outage must not break callers, but it must not go unseen either. */
function warn(error: unknown, context: CacheErrorContext): void {
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(`cachegen wrapper: cache ${context.operation} failed, calling through: ${reason}`, {
    code: "CACHEGEN_WRAPPER_CACHE_ERROR",
  });
}

/**
 * A wrapper's view of its cache: reads and writes never throw. A failure (outage, timeout,
 * unencodable value) goes to `onError`, reads then count as misses and writes as skipped, so the
 * wrapped function still runs and its result is returned.
 */
export class GuardedCache<R> {
  readonly #cache: () => AnyCache;
  readonly #options: SetOptions;
  readonly #report: CacheErrorHandler;
  readonly #waitForWrite: boolean;

  constructor(cache: () => AnyCache, options: WrapperOptions) {
    this.#cache = cache;
    this.#options = { ttl: options.ttl, namespace: options.namespace, timeout: options.timeout };
    this.#report = options.onError ?? warn;
    this.#waitForWrite = options.waitForWrite ?? true;
  }

  /** The cache, resolved now (an alias may have been replaced since the last call). */
  get cache(): AnyCache {
    return this.#cache();
  }

  /** Per-call options: namespace, timeout and ttl as the wrapper was configured. */
  get options(): SetOptions {
    return this.#options;
  }

  /** Reports a failed cache call; `fallback` stands in for its result. */
  absorb<T>(operation: CacheErrorContext["operation"], key: CacheErrorContext["key"], fallback: T) {
    return (error: unknown): T => {
      this.#report(error, { operation, key });
      return fallback;
    };
  }

  get(key: string): Promise<R | undefined> {
    return this.#attempt(() => this.cache.get(key, this.#options)).catch(this.absorb("get", key, undefined));
  }

  multiGet(keys: readonly string[]): Promise<(R | undefined)[]> {
    const misses = keys.map(() => undefined);
    return this.#attempt(() => this.cache.multiGet(keys, this.#options)).catch(this.absorb("multiGet", keys, misses));
  }

  set(key: string, value: R): Promise<void> {
    return this.#write(() => this.cache.set(key, value, this.#options), this.absorb("set", key, undefined));
  }

  multiSet(pairs: readonly (readonly [string, R])[]): Promise<void> {
    if (pairs.length === 0) return Promise.resolve();
    const keys = pairs.map(([key]) => key);
    return this.#write(() => this.cache.multiSet(pairs, this.#options), this.absorb("multiSet", keys, undefined));
  }

  async #write(call: () => Promise<unknown>, onError: (error: unknown) => void): Promise<void> {
    const written = this.#attempt(call).then(() => undefined, onError);
    if (this.#waitForWrite) await written;
  }

  /** Runs `call` so a synchronous throw becomes a rejection like any other cache failure. */
  async #attempt<T>(call: () => Promise<T>): Promise<T> {
    return call();
  }
}

import { after, type Backend } from "./backends/backend.js";
import type { CacheOptions, GetOptions, GetOrSetOptions, OperationOptions, SetOptions } from "./cache-options.js";
import { DECIMAL_COUNTER, incrementByVersion, type CounterFormat } from "./coordination/cas.js";
import { getOrSetWithPolicy, loadOnce, type FlowCache } from "./coordination/get-or-set.js";
import { LoaderRun } from "./coordination/loader-context.js";
import { memoryTagStore } from "./coordination/tag-stores.js";
import { Tiers } from "./coordination/tiers.js";
import { tiersSettings, type StoreParts } from "./coordination/tiers-settings.js";
import { NotAnIntegerError } from "./errors.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import { Pipeline } from "./pipeline/pipeline.js";
import type { BasePlugin } from "./plugins/base.js";
import type { Loader } from "./policy-options.js";
import type { Serializer } from "./serializers/serializer.js";
import { SingleFlight } from "./single-flight.js";
import { telemetryListener } from "./telemetry/otel.js";

/** An in-process store's parts: tag times in this process, no probe, no bus. */
const IN_PROCESS: StoreParts = { tagStore: () => memoryTagStore() };

/**
 * A cache: the operation pipeline ({@link Pipeline}) plus what spans several operations, taken
 * from the coordination layer: `increment` by compare-and-set where the store cannot add natively,
 * `getOrSet`'s single flight, lease and fail-safe policies, and the tiers (local tier, bus, circuit
 * breaker, tags, envelope layout) when the options ask for any. Every backend's class extends it
 * with its store.
 */
export class Cache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[], K = string> extends Pipeline<
  V,
  P,
  K
> {
  declare readonly [overridesType]?: OverridesFrom<CacheOptions<V, P>>;
  readonly #flights = new SingleFlight<string, V>();
  readonly #counter: CounterFormat;
  /** Local tier, bus, breaker, tags and layout; {@link #tiered} says whether reads and writes go through them. */
  readonly #tiers: Tiers<V>;
  readonly #tiered: boolean;
  readonly #flow: FlowCache<V>;

  constructor(
    backend: Backend,
    serializer: Serializer<V>,
    options: CacheOptions<V, P> = {},
    parts: StoreParts = IN_PROCESS,
  ) {
    super(backend, serializer, options, telemetryListener(options.telemetry));
    this.#counter = this.serializer.decimalIntegers ? DECIMAL_COUNTER : this.#decodedCounter();
    const { settings, active } = tiersSettings(
      { ...options, namespace: this.namespace },
      parts,
      this.codec,
      this.serializer.format === "object",
    );
    this.#tiered = active && !this.disabled;
    this.#tiers = new Tiers<V>(
      {
        backend,
        namespace: this.namespace,
        alias: this.alias,
        buildKey: (key, ns) => this.buildKey(key, ns),
        run: (op, args, opts, rawKey, rawKeys, call) => this.run(op, args, opts, rawKey, rawKeys, call),
        ttlOf: (opts) => this.ttlOf(opts),
        quietGet: () => this.quietGet,
        decodeStored: (k, ns, stored, decode, watch) => this.decodeStored(k, ns, stored, decode, watch),
      },
      settings,
    );
    this.#flow = {
      alias: this.alias,
      tiers: this.#tiers,
      loads: new SingleFlight<string, V>(),
      backoff: new Map<string, number>(),
      ttlOf: (opts: GetOrSetOptions | undefined) => this.ttlOf(opts),
    };
  }

  /** The local tier, bus, breaker and tag clock behind this cache (for diagnostics and tests). */
  get tiers(): Tiers<V> {
    return this.#tiers;
  }

  override get(key: string | K, options: GetOptions<V> & { default: V }): Promise<V>;
  override get(key: string | K, options?: GetOptions<V>): Promise<V | undefined>;
  override get(key: string | K, options?: GetOptions<V>): Promise<V | undefined> {
    if (!this.#tiered) return super.get(key, options);
    const read = this.#rejecting(() => this.#tiers.get(this.keyText(key), options));
    return options?.default === undefined
      ? read
      : read.then((value) => (value === undefined ? options.default : value));
  }

  override multiGet(keys: readonly (string | K)[], options?: OperationOptions): Promise<(V | undefined)[]> {
    if (!this.#tiered) return super.multiGet(keys, options);
    return this.#rejecting(() =>
      this.#tiers.multiGet(
        keys.map((key) => this.keyText(key)),
        options,
      ),
    );
  }

  override set(key: string | K, value: V, options?: SetOptions): Promise<true> {
    return this.#tiered
      ? this.#rejecting(() => this.#tiers.set(this.keyText(key), value, options))
      : (this.#refuseTags(options) ?? super.set(key, value, options));
  }

  override multiSet(pairs: readonly (readonly [string | K, V])[], options?: SetOptions): Promise<true> {
    return this.#tiered
      ? this.#rejecting(() =>
          this.#tiers.multiSet(
            pairs.map(([key, value]) => [this.keyText(key), value] as const),
            options,
          ),
        )
      : (this.#refuseTags(options) ?? super.multiSet(pairs, options));
  }

  override add(key: string | K, value: V, options?: SetOptions): Promise<true> {
    return this.#tiered
      ? this.#rejecting(() => this.#tiers.set(this.keyText(key), value, options, "add"))
      : (this.#refuseTags(options) ?? super.add(key, value, options));
  }

  override delete(key: string | K, options?: OperationOptions): Promise<0 | 1> {
    return this.#tiered
      ? this.#rejecting(() => this.#tiers.delete(this.keyText(key), options))
      : super.delete(key, options);
  }

  override clear(options?: OperationOptions): Promise<true> {
    return this.#tiered ? this.#tiers.clear(options) : super.clear(options);
  }

  /**
   * Invalidates every entry carrying any of `tags`, in every process and on every store (aliases
   * with `tags: true`). Entries are checked lazily, on read, against each tag's invalidation time.
   */
  deleteByTag(tags: readonly string[]): Promise<true> {
    if (this.disabled) return Promise.resolve(true);
    try {
      return this.#tiers.deleteByTag(tags);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Adds `delta` to an integer and returns the new value, creating the key at `delta`. The stored
   * counter stays readable by `get` with this cache's serializer.
   */
  increment(key: string | K, delta = 1, options?: OperationOptions): Promise<number> {
    if (!Number.isSafeInteger(delta))
      return Promise.reject(new TypeError(`increment delta must be an integer, got ${delta}`));
    if (this.disabled) return Promise.resolve(delta);
    if (this.#tiers.layout.layout === "envelope") {
      return Promise.reject(
        new TypeError(
          "increment needs the plain layout: this cache stores envelopes (grace, eager_refresh or tags); keep counters in an alias without them",
        ),
      );
    }
    const native = this.serializer.decimalIntegers;
    return this.run("increment", [key, delta, options], options, key, [], (k, ns) =>
      after(native ? this.backend.increment?.(k, delta, ns) : undefined, (n) =>
        n === undefined ? incrementByVersion(this.backend, k, delta, ns, this.#counter) : n,
      ),
    );
  }

  /**
   * Returns the cached value, or runs `loader` once, stores its result and returns it. Concurrent
   * callers in this process share one loader run. The alias's fail-safe policies (`grace`,
   * loader timeouts, `eagerRefresh`, …; each overridable here) decide what happens when the loader
   * fails or is slow; a store that is down is no error while the loader can answer.
   */
  getOrSet(key: string | K, loader: Loader<V>, options?: GetOrSetOptions): Promise<V> {
    if (this.disabled) return Promise.resolve().then(() => loader(detachedRun(options)));
    let text: string;
    let built: string;
    try {
      text = this.keyText(key);
      built = this.buildKey(text, options?.namespace ?? this.namespace);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.lock !== undefined) {
      return this.#flights.run(built, () => loadOnce(this, text, () => loader(detachedRun(options)), options));
    }
    return this.#flights.run(built, () => getOrSetWithPolicy(this.#flow, text, built, loader, options));
  }

  override async close(): Promise<void> {
    await Promise.all([this.#tiers.close(), super.close()]);
  }

  /** A tiered operation, whose key text may throw (a parameters object that builds no valid key): it rejects instead. */
  #rejecting<R>(call: () => Promise<R>): Promise<R> {
    try {
      return call();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A plain cache's write with tags, refused (tags need the alias's `tags`, which makes it tiered);
   * `undefined` for every other write, which then costs no closure.
   */
  #refuseTags(options: SetOptions | undefined): Promise<never> | undefined {
    return options?.tags !== undefined && options.tags.length > 0
      ? Promise.reject(this.#tiers.untagged(options.tags))
      : undefined;
  }

  /** Counters of other serializers: decoded and encoded like any value. */
  #decodedCounter(): CounterFormat {
    return {
      read: (key, stored) => {
        const value = this.codec.decode(key, stored);
        if (typeof value !== "number" || !Number.isSafeInteger(value)) throw new NotAnIntegerError(key);
        return value;
      },
      write: (key, value) => this.codec.encode(key, value as V),
    };
  }
}

/** A loader's context where nothing is cached around it (a disabled cache, a leased load). */
function detachedRun<V>(options: GetOrSetOptions | undefined): LoaderRun<V> {
  return new LoaderRun<V>(undefined, new AbortController().signal, options?.ttl, options?.tags);
}

/** Any cache, whatever its value type, plugins and key type. */
export type AnyCache = Cache<any, readonly BasePlugin[], any>;

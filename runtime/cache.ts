import { after, type Backend } from "./backends/backend.js";
import type { CacheOptions, GetOrSetOptions, OperationOptions } from "./cache-options.js";
import { DECIMAL_COUNTER, incrementByVersion, type CounterFormat } from "./coordination/cas.js";
import { loadOnce } from "./coordination/get-or-set.js";
import { NotAnIntegerError } from "./errors.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import { Pipeline } from "./pipeline/pipeline.js";
import type { BasePlugin } from "./plugins/base.js";
import type { Serializer } from "./serializers/serializer.js";
import { SingleFlight } from "./single-flight.js";
import { telemetryListener } from "./telemetry/otel.js";

/**
 * A cache: the operation pipeline ({@link Pipeline}) plus what spans several operations, taken
 * from the coordination layer: `increment` by compare-and-set where the store cannot add natively,
 * and `getOrSet`'s single flight and lease. Every backend's class extends it with its store.
 */
export class Cache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[], K = string> extends Pipeline<
  V,
  P,
  K
> {
  declare readonly [overridesType]?: OverridesFrom<CacheOptions<V, P>>;
  readonly #flights = new SingleFlight<string, V>();
  readonly #counter: CounterFormat;

  constructor(backend: Backend, serializer: Serializer<V>, options: CacheOptions<V, P> = {}) {
    super(backend, serializer, options, telemetryListener(options.telemetry));
    this.#counter = this.serializer.decimalIntegers ? DECIMAL_COUNTER : this.#decodedCounter();
  }

  /**
   * Adds `delta` to an integer and returns the new value, creating the key at `delta`. The stored
   * counter stays readable by `get` with this cache's serializer.
   */
  increment(key: string | K, delta = 1, options?: OperationOptions): Promise<number> {
    if (!Number.isSafeInteger(delta))
      return Promise.reject(new TypeError(`increment delta must be an integer, got ${delta}`));
    if (this.disabled) return Promise.resolve(delta);
    const native = this.serializer.decimalIntegers;
    return this.run("increment", [key, delta, options], options, key, [], (k, ns) =>
      after(native ? this.backend.increment?.(k, delta, ns) : undefined, (n) =>
        n === undefined ? incrementByVersion(this.backend, k, delta, ns, this.#counter) : n,
      ),
    );
  }

  /**
   * Returns the cached value, or runs `loader` once, stores its result and returns it. Concurrent
   * callers in this process share one loader run; a loader error reaches them all and caches nothing.
   */
  getOrSet(key: string | K, loader: () => V | Promise<V>, options?: GetOrSetOptions): Promise<V> {
    if (this.disabled) return Promise.resolve().then(loader);
    let text: string;
    let built: string;
    try {
      text = this.keyText(key);
      built = this.buildKey(text, options?.namespace ?? this.namespace);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#flights.run(built, () => loadOnce(this, text, loader, options));
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

/** Any cache, whatever its value type, plugins and key type. */
export type AnyCache = Cache<any, readonly BasePlugin[], any>;

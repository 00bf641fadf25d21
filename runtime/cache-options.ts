import type { Versioned } from "./backends/backend.js";
import type { Duration } from "./duration.js";
import type { EventListener, OperationEvent } from "./events.js";
import type { BasePlugin } from "./plugins/base.js";
import type { PolicyOptions, ProductionOptions } from "./policy-options.js";
import type { Serializer } from "./serializers/serializer.js";

// The options of caches and of their operations. All public: index.ts exports every type here.

/** Builds the stored key from the caller's key and the namespace in effect (`""` for none). */
export type KeyBuilder = (key: string, namespace: string) => string;

/** A precompiled value validator: ajv standalone code has exactly this shape. */
export type ValueValidator = ((value: unknown) => boolean) & {
  errors?: readonly { instancePath?: string; message?: string }[] | null;
};

/** Options every cache accepts, whatever its backend. */
export interface CacheOptions<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
> extends ProductionOptions {
  /** Key prefix. Memory and memcached use `ns + key`, Redis `ns + ":" + key`. @default "" */
  namespace?: string;
  /** Default TTL for writes; `0`/`null` means no expiry. @default null */
  ttl?: Duration;
  /** Per-operation timeout; `0`/`null` disables it. @default 5 */
  timeout?: Duration;
  /** Replaces the namespace + key layout. */
  keyBuilder?: KeyBuilder;
  /**
   * A key template, `user:{id:number}:{lang}`: keyed operations also take its parameters object
   * and fill it in. Fixed by the config: the generated types follow it.
   */
  keyTemplate?: string;
  /** A version every stored key carries as `v<version>:` before the key; changing it ignores old entries. */
  keyVersion?: string | number;
  /**
   * What a read does with a stored value that fails to decode or to validate: `"error"` rejects,
   * `"miss"` deletes it, reports it to the event and {@link onError}, and reads a miss.
   * @default "error"
   */
  onBadValue?: BadValuePolicy;
  /** Receives what the cache absorbed instead of failing a call (see {@link onBadValue}). @default a process warning, code `CACHEGEN_BAD_VALUE` */
  onError?: AbsorbedErrorHandler;
  /** Encodes values for the store. Defaults per backend (memory: null, remote: json). */
  serializer?: Serializer<V>;
  /** Hooks run in list order around every operation. @default [] */
  plugins?: P;
  /** Precompiled schema check for values (generated code supplies it). */
  validator?: ValueValidator;
  /** When {@link validator} runs. @default "both" */
  validate?: "none" | "set" | "get" | "both";
  /** Turn every operation into a no-op. @default process.env.CACHEGEN_DISABLE === "1" at construction */
  disabled?: boolean;
  /** The name events and telemetry report the cache under; the registry sets its alias. */
  alias?: string;
  /**
   * `true` records metrics and spans with OpenTelemetry's global providers (needs the optional
   * `@opentelemetry/api` package); a function receives every operation's event instead.
   * @default false
   */
  telemetry?: boolean | EventListener<OperationEvent>;
}

/** What a read does with a stored value it cannot read (the config's `on_bad_value`). */
export type BadValuePolicy = "error" | "miss";

/** Where an error the cache absorbed happened. */
export interface AbsorbedErrorContext {
  /** The registry alias of the cache, `undefined` for one built in code without one. */
  readonly alias: string | undefined;
  /** The stored key. */
  readonly key: string;
}

/** Receives an error a cache absorbed; it must not throw. */
export type AbsorbedErrorHandler = (error: unknown, context: AbsorbedErrorContext) => void;

/** Options every operation accepts. */
export interface OperationOptions {
  /** Namespace for this call only; `""` means no prefix. */
  namespace?: string;
  /** Timeout for this call only. */
  timeout?: Duration;
}

/** Options of `get`: `default` is returned on a miss. */
export interface GetOptions<V> extends OperationOptions {
  default?: V;
}

/** Options of writes: `ttl` omitted means the cache's default, `0`/`null` means no expiry. */
export interface SetOptions extends OperationOptions {
  ttl?: Duration;
  /** Tags for `deleteByTag` (aliases with `tags: true`). */
  tags?: readonly string[];
}

/** Options of `getOrSet`: the alias's policies can be overridden per call. */
export interface GetOrSetOptions extends SetOptions, PolicyOptions {
  /** `false`: this call uses the store even while the circuit breaker skips it. @default true */
  circuitBreaker?: boolean;
  /**
   * `"lease"` also shares the loader run with other processes through a lease lock stored in this
   * cache (works on every backend). `"redis"` is the same, under the name SPEC and aiocache use.
   * @default in-process single-flight only
   */
  lock?: "lease" | "redis";
  /** With `lock`: how long the lock holder may load before waiters load themselves. @default 2 */
  lease?: Duration;
}

/** A compare-and-set version read by {@link Cache.getVersioned}; opaque to callers. */
export type CasVersion = Versioned & { readonly __cas: never };

/** A value read together with its {@link CasVersion}. */
export interface VersionedValue<V> {
  readonly value: V;
  readonly version: CasVersion;
}

import type { BusTransport } from "./backends/bus-transport.js";
import type { Duration } from "./duration.js";

// The options of issue 12's production features: fail-safe, loader timeouts, the local tier, the
// bus, tags and the circuit breaker. All public: index.ts exports every type here.

/** `getOrSet`'s policies: set per alias, each overridable per call. */
export interface PolicyOptions {
  /**
   * Fail-safe: how long past its TTL an entry may still be served when refreshing it fails (loader
   * error, loader hard timeout) or the store is down. Needs the envelope layout (set on the alias).
   * @default none
   */
  grace?: Duration;
  /** After a failed refresh, serve the stale value this long before calling the loader again. @default 10 s with grace */
  graceBackoff?: Duration;
  /**
   * With a stale value at hand, answer with it after this long; the loader finishes in the
   * background and its result is stored. `0`: answer with the stale value at once. @default none
   */
  loaderSoftTimeout?: Duration;
  /** Give up on the loader after this long: the stale value, else `CacheTimeoutError`. @default none */
  loaderHardTimeout?: Duration;
  /**
   * A fraction of the TTL (0 < f < 1): a hit past it returns at once and refreshes in the
   * background, once across this process's callers. Needs the envelope layout. @default none
   */
  eagerRefresh?: number | null;
  /** A random 0..jitter added to each TTL written, so keys written together do not expire together. @default none */
  ttlJitter?: Duration;
}

/** The local tier of a remote alias. */
export interface LocalTierOptions {
  /** Bound on local entries; the least recently used go first (second-chance eviction). @default 10000 */
  maxSize?: number;
  /** The longest a local copy lives (the entry's own TTL still applies). @default 60 */
  ttl?: Duration;
}

/** The bus that keeps other processes' local tiers honest. */
export interface BusConfig {
  /** Aliases that share a store and namespace share a group: channel `cachegen:bus:v1:{group}`. @default the alias name */
  group?: string;
  /** Heartbeat period; the bus counts as down after three missed. @default 1 */
  heartbeat?: Duration;
  /**
   * Where messages travel. A Redis alias uses its own server; a memcached alias needs one (the
   * registry passes the Redis alias its config names). Tests may pass an in-process transport.
   */
  transport?: BusTransport | (() => Promise<BusTransport>);
}

/** A cache's production features, beside its policies. */
export interface ProductionOptions extends PolicyOptions {
  /** After the store fails (connection error or timeout), skip it this long, then probe it once. @default none */
  circuitBreaker?: Duration;
  /** Accept `tags` on writes and `deleteByTag`; stores values in an envelope. @default false */
  tags?: boolean;
  /** Without a healthy bus, how long a tag time read from the store is trusted. @default 1 */
  tagCheckInterval?: Duration;
  /** A local in-memory tier in front of a remote store. @default none */
  local?: LocalTierOptions;
  /** `true` (or its settings): publish invalidations so other processes drop their local copies. @default false */
  bus?: boolean | BusConfig;
}

/** The part of `AbortSignal` cachegen's types promise where the project declares no `AbortSignal` (neither DOM nor Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { readonly once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
  throwIfAborted(): void;
}

/**
 * The loader's abort signal: `AbortSignal` where the project's types declare it (DOM or Node), so
 * it can be handed to `fetch` and the like; else {@link AbortSignalLike}. The shipped declarations
 * must not need either.
 */
export type LoaderSignal = typeof globalThis extends { AbortSignal: { prototype: infer S } } ? S : AbortSignalLike;

/** What a loader can tell `getOrSet` about the value it produces (adaptive caching). */
export interface LoaderContext<V> {
  /** The previous value when it expired but is still within grace, else `undefined`. */
  readonly stale: V | undefined;
  /** Aborted when the hard timeout passes; the loader may stop early (its result is then not awaited by the caller). */
  readonly signal: LoaderSignal;
  /** The TTL the result is stored with; set it to change it (`0`/`null`: no expiry). */
  ttl: Duration | undefined;
  /** The tags the result is stored with (aliases with `tags`). */
  tags: readonly string[];
  /** Return the value without caching it. */
  skipCache(): void;
}

/** A `getOrSet` loader: it may ignore its context. */
export type Loader<V> = (context: LoaderContext<V>) => V | Promise<V>;

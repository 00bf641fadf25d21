import { KEEP_TTL, type Backend, type MaybePromise, type TtlMs, type Versioned } from "./backends/backend.js";
import { withDeadline } from "./deadline.js";
import { toMillis, toSeconds, type Duration } from "./duration.js";
import {
  BackendError,
  CacheTimeoutError,
  KeyExistsError,
  NotAnIntegerError,
  SerializationError,
  ValueValidationError,
} from "./errors.js";
import { loadUnderLease } from "./locks/lease.js";
import { leaseMillis, RedLock } from "./locks/red-lock.js";
import { OPERATIONS, type Operation } from "./operations.js";
import type { BasePlugin, Hook, HookContext, HookName } from "./plugins/base.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import type { Serializer } from "./serializers/serializer.js";

/** Builds the stored key from the caller's key and the namespace in effect (`""` for none). */
export type KeyBuilder = (key: string, namespace: string) => string;

/** A precompiled value validator: ajv standalone code has exactly this shape. */
export type ValueValidator = ((value: unknown) => boolean) & {
  errors?: readonly { instancePath?: string; message?: string }[] | null;
};

/** Options every cache accepts, whatever its backend. */
export interface CacheOptions<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[]> {
  /** Key prefix. Memory and memcached use `ns + key`, Redis `ns + ":" + key`. @default "" */
  namespace?: string;
  /** Default TTL for writes; `0`/`null` means no expiry. @default null */
  ttl?: Duration;
  /** Per-operation timeout; `0`/`null` disables it. @default 5 */
  timeout?: Duration;
  /** Replaces the namespace + key layout. */
  keyBuilder?: KeyBuilder;
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
}

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
}

/** Options of `getOrSet`. */
export interface GetOrSetOptions extends SetOptions {
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

type HookTable = Partial<Record<Operation, { readonly pre: readonly Hook[]; readonly post: readonly Hook[] }>>;

const DEFAULT_TIMEOUT = 5;
/** aiocache's default lease for its stampede lock. */
const DEFAULT_LEASE = 2;
const CAS_ATTEMPTS = 32;

/**
 * The one operation pipeline: key building, TTL, timeout, serializer, validation, plugins and the
 * disable switch, in front of a {@link Backend} that only talks to its store.
 */
export class Cache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[]> {
  /** Default namespace (`""` for none). */
  readonly namespace: string;
  /** Default TTL in seconds as configured, `null` for no expiry. */
  readonly ttl: number | null;
  /** Per-operation timeout in seconds, `null` when disabled. */
  readonly timeout: number | null;
  readonly serializer: Serializer<V>;
  readonly plugins: P;
  protected readonly backend: Backend;
  declare readonly [overridesType]?: OverridesFrom<CacheOptions<V, P>>;
  readonly #ttlMs: TtlMs;
  readonly #timeoutMs: number | null;
  readonly #keyBuilder: KeyBuilder | undefined;
  readonly #hooks: HookTable;
  readonly #disabled: boolean;
  readonly #validator: ValueValidator | undefined;
  readonly #validateOnSet: boolean;
  readonly #validateOnGet: boolean;
  readonly #inflight = new Map<string, Promise<V>>();

  constructor(backend: Backend, serializer: Serializer<V>, options: CacheOptions<V, P> = {}) {
    this.backend = backend;
    this.serializer = options.serializer ?? serializer;
    this.plugins = options.plugins ?? ([] as unknown as P);
    this.namespace = options.namespace ?? "";
    this.ttl = toSeconds(options.ttl, "ttl");
    this.#ttlMs = toMillis(options.ttl, "ttl");
    const timeout = options.timeout === undefined ? DEFAULT_TIMEOUT : options.timeout;
    this.timeout = toSeconds(timeout, "timeout");
    this.#timeoutMs = toMillis(timeout, "timeout");
    this.#keyBuilder = options.keyBuilder;
    this.#hooks = hookTable(this.plugins);
    this.#disabled = options.disabled ?? process.env["CACHEGEN_DISABLE"] === "1";
    this.#validator = options.validator;
    const validate = options.validator ? (options.validate ?? "both") : "none";
    this.#validateOnSet = validate === "set" || validate === "both";
    this.#validateOnGet = validate === "get" || validate === "both";
  }

  /** Reads a key; `undefined` on a miss unless `default` is given. Stored falsy values come back as is. */
  get(key: string, options: GetOptions<V> & { default: V }): Promise<V>;
  get(key: string, options?: GetOptions<V>): Promise<V | undefined>;
  async get(key: string, options?: GetOptions<V>): Promise<V | undefined> {
    if (this.#disabled) return options?.default;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    const value = await this.#run("get", [key, options], k, undefined, options, () =>
      this.#decodeStored(k, this.backend.get(k, ns)),
    );
    return value === undefined ? options?.default : value;
  }

  /** Reads many keys at once; results follow the order of `keys`. */
  async multiGet(keys: readonly string[], options?: OperationOptions): Promise<(V | undefined)[]> {
    if (this.#disabled) return keys.map(() => undefined);
    const ns = options?.namespace ?? this.namespace;
    const built = keys.map((key) => this.buildKey(key, ns));
    return this.#run("multiGet", [keys, options], undefined, built, options, () =>
      then(this.backend.multiGet(built, ns), (stored) => stored.map((s, i) => this.#decode(built[i]!, s))),
    );
  }

  /** Stores a value. `ttl` omitted means the cache's default; `0`/`null` means no expiry. */
  async set(key: string, value: V, options?: SetOptions): Promise<true> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("set", [key, value, options], k, undefined, options, () =>
      then(this.backend.set(k, this.#encode(k, value), this.#ttl(options), ns), () => true as const),
    );
  }

  /** Stores many values; with a TTL the write is atomic on Redis. */
  async multiSet(pairs: readonly (readonly [string, V])[], options?: SetOptions): Promise<true> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const built = pairs.map(([key]) => this.buildKey(key, ns));
    return this.#run("multiSet", [pairs, options], undefined, built, options, () => {
      const entries = pairs.map(([, value], i) => [built[i]!, this.#encode(built[i]!, value)] as const);
      return then(this.backend.multiSet(entries, this.#ttl(options), ns), () => true as const);
    });
  }

  /** Stores a value only if the key is absent; rejects with `KeyExistsError` otherwise. */
  async add(key: string, value: V, options?: SetOptions): Promise<true> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("add", [key, value, options], k, undefined, options, () =>
      then(this.backend.add(k, this.#encode(k, value), this.#ttl(options), ns), (added) => {
        if (!added) throw new KeyExistsError(k);
        return true as const;
      }),
    );
  }

  /** Deletes a key: 1 if it existed, 0 otherwise. */
  async delete(key: string, options?: OperationOptions): Promise<0 | 1> {
    if (this.#disabled) return 0;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("delete", [key, options], k, undefined, options, () =>
      then(this.backend.delete(k, ns), (n) => (n > 0 ? 1 : 0)),
    );
  }

  /** Whether the key holds a value. */
  async exists(key: string, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return false;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("exists", [key, options], k, undefined, options, () => this.backend.exists(k, ns));
  }

  /**
   * Adds `delta` to an integer and returns the new value, creating the key at `delta`. The stored
   * counter stays readable by `get` with this cache's serializer.
   */
  async increment(key: string, delta = 1, options?: OperationOptions): Promise<number> {
    if (!Number.isSafeInteger(delta)) throw new TypeError(`increment delta must be an integer, got ${delta}`);
    if (this.#disabled) return delta;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("increment", [key, delta, options], k, undefined, options, () =>
      this.serializer.decimalIntegers && this.backend.increment
        ? this.backend.increment(k, delta, ns)
        : this.#incrementByVersion(k, delta, ns),
    );
  }

  /** Sets the key's TTL (`0`/`null` removes it); `false` if the key is missing. */
  async expire(key: string, ttl: Duration, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    const ms = toMillis(ttl, "ttl");
    return this.#run("expire", [key, ttl, options], k, undefined, options, () => this.backend.expire(k, ms, ns));
  }

  /** Seconds left, `null` when the key never expires, `undefined` when it is missing. */
  async getTtl(key: string, options?: OperationOptions): Promise<number | null | undefined> {
    if (this.#disabled) return undefined;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#run("getTtl", [key, options], k, undefined, options, () =>
      then(this.backend.getTtl(k, ns), (ms) => (typeof ms === "number" ? ms / 1000 : ms)),
    );
  }

  /** Removes this cache's namespace; with no namespace, everything in its database. */
  async clear(options?: OperationOptions): Promise<true> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    return this.#run("clear", [options], undefined, undefined, options, () =>
      then(this.backend.clear(ns), () => true as const),
    );
  }

  /** Sends a command straight to the backend: no namespace, no serializer. */
  async raw(command: string, ...args: unknown[]): Promise<unknown> {
    if (this.#disabled) return undefined;
    return this.#run("raw", [command, ...args], undefined, undefined, undefined, () => this.backend.raw(command, args));
  }

  /**
   * Returns the cached value, or runs `loader` once, stores its result and returns it. Concurrent
   * callers in this process share one loader run; a loader error reaches them all and caches nothing.
   */
  getOrSet(key: string, loader: () => V | Promise<V>, options?: GetOrSetOptions): Promise<V> {
    if (this.#disabled) return Promise.resolve().then(loader);
    const k = this.buildKey(key, options?.namespace ?? this.namespace);
    let flight = this.#inflight.get(k);
    if (flight === undefined) {
      flight = this.#load(key, loader, options).finally(() => this.#inflight.delete(k));
      this.#inflight.set(k, flight);
    }
    return flight;
  }

  /** Closes the connection. Idempotent; a later operation reconnects, as in aiocache. */
  async close(): Promise<void> {
    await this.backend.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The stored key for `key` in namespace `ns`, as every operation builds it. */
  buildKey(key: string, ns: string = this.namespace): string {
    if (this.#keyBuilder !== undefined) return this.#keyBuilder(key, ns);
    return ns === "" ? key : ns + this.backend.separator + key;
  }

  /**
   * Lock primitive: stores `owner` raw (no serializer, validator or plugins, so any alias can hold
   * locks) only if `key` is absent, expiring after `lease`. `false` when someone else holds it.
   */
  async acquireLease(key: string, owner: string, lease: Duration, options?: OperationOptions): Promise<boolean> {
    const ms = leaseMillis(lease);
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#settle("acquireLease", k, options, this.backend.add(k, owner, ms, ns));
  }

  /** Lock primitive: deletes `key` only while it still holds `owner` (compare-and-delete). */
  async releaseLease(key: string, owner: string, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    return this.#settle("releaseLease", k, options, this.backend.deleteIfEquals(k, owner, ns));
  }

  /** Reads a value with the version {@link setIfVersion} compares against (memcached: its CAS token). */
  async getVersioned(key: string, options?: OperationOptions): Promise<VersionedValue<V> | undefined> {
    if (this.#disabled) return undefined;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    const read = await this.#settle("getVersioned", k, options, this.backend.getVersioned(k, ns));
    return read === undefined ? undefined : { value: this.#decode(k, read.value)!, version: read as CasVersion };
  }

  /** Writes only if the key still holds `version` (or is still absent when it is `undefined`). */
  async setIfVersion(key: string, value: V, version: CasVersion | undefined, options?: SetOptions): Promise<boolean> {
    if (this.#disabled) return true;
    const ns = options?.namespace ?? this.namespace;
    const k = this.buildKey(key, ns);
    const stored = this.#encode(k, value);
    return this.#settle("setIfVersion", k, options, this.backend.setIfVersion(k, stored, version, this.#ttl(options), ns));
  }

  async #load(key: string, loader: () => V | Promise<V>, options: GetOrSetOptions | undefined): Promise<V> {
    if (options?.lock !== undefined) {
      const lock = new RedLock(this, key, options.lease ?? DEFAULT_LEASE, options);
      return loadUnderLease(lock, {
        read: () => this.get(key, options),
        load: loader,
        write: (value) => (value === undefined ? undefined : this.set(key, value, options)),
      });
    }
    const hit = await this.get(key, options);
    if (hit !== undefined) return hit;
    const value = await loader();
    if (value !== undefined) await this.set(key, value, options);
    return value;
  }

  async #incrementByVersion(k: string, delta: number, ns: string): Promise<number> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const current: Versioned | undefined = await this.backend.getVersioned(k, ns);
      const base = current === undefined ? 0 : this.#decode(k, current.value);
      if (!Number.isSafeInteger(base)) throw new NotAnIntegerError(k);
      const next = (base as number) + delta;
      const ttl = current === undefined ? null : KEEP_TTL;
      if (await this.backend.setIfVersion(k, this.#encode(k, next as V), current, ttl, ns)) return next;
    }
    throw new BackendError(
      this.backend.name,
      `increment(${JSON.stringify(k)}) lost ${CAS_ATTEMPTS} compare-and-set races in a row. ` +
        `Use the json or string serializer for hot counters: they increment natively.`,
    );
  }

  /**
   * Runs one operation: pre hooks in order (a throw aborts), the backend call under the deadline,
   * then post hooks with `took` and `result`. Without plugins this is a direct call.
   */
  async #run<R>(
    op: Operation,
    args: readonly unknown[],
    key: string | undefined,
    keys: readonly string[] | undefined,
    options: OperationOptions | undefined,
    call: () => MaybePromise<R>,
  ): Promise<R> {
    const hooks = this.#hooks[op];
    if (hooks === undefined) return this.#settle(op, key, options, call());
    const context: HookContext = { cache: this, op, args, key, keys };
    for (const hook of hooks.pre) await hook(context);
    const start = performance.now();
    const result = await this.#settle(op, key, options, call());
    context.took = (performance.now() - start) / 1000;
    context.result = result;
    for (const hook of hooks.post) await hook(context);
    return result;
  }

  #settle<R>(op: string, key: string | undefined, options: OperationOptions | undefined, result: MaybePromise<R>) {
    if (!(result instanceof Promise)) return result;
    const ms = options?.timeout === undefined ? this.#timeoutMs : toMillis(options.timeout, "timeout");
    if (ms === null) return result;
    return withDeadline(result, ms, () => new CacheTimeoutError(op, key, ms / 1000));
  }

  #ttl(options: SetOptions | undefined): TtlMs {
    return options === undefined || options.ttl === undefined ? this.#ttlMs : toMillis(options.ttl, "ttl");
  }

  #encode(key: string, value: V): unknown {
    if (value === undefined) {
      throw new SerializationError(key, this.serializer.name, "encode", {
        detail: "undefined means a miss and cannot be stored; store null instead",
      });
    }
    if (this.#validateOnSet) this.#check(key, value, "set");
    try {
      return this.serializer.encode(value);
    } catch (cause) {
      throw new SerializationError(key, this.serializer.name, "encode", { cause });
    }
  }

  #decodeStored(key: string, stored: MaybePromise<unknown>): MaybePromise<V | undefined> {
    return stored instanceof Promise ? stored.then((s) => this.#decode(key, s)) : this.#decode(key, stored);
  }

  #decode(key: string, stored: unknown): V | undefined {
    if (stored === undefined) return undefined;
    let value: V;
    try {
      value = this.serializer.decode(stored);
    } catch (cause) {
      throw new SerializationError(key, this.serializer.name, "decode", { cause });
    }
    if (this.#validateOnGet) this.#check(key, value, "get");
    return value;
  }

  #check(key: string, value: unknown, direction: "set" | "get"): void {
    const validator = this.#validator!;
    if (!validator(value)) throw new ValueValidationError(key, direction, validator.errors ?? []);
  }
}

/** Applies `fn` to a value or the value of a promise, without a tick when it is already there. */
function then<T, R>(value: MaybePromise<T>, fn: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

function hookTable(plugins: readonly BasePlugin[]): HookTable {
  const table: HookTable = {};
  for (const op of OPERATIONS) {
    const suffix = (op[0] as string).toUpperCase() + op.slice(1);
    const pick = (name: HookName) =>
      plugins.filter((p) => typeof p[name] === "function").map((p) => p[name]!.bind(p) as Hook);
    const pre = pick(`pre${suffix}` as HookName);
    const post = pick(`post${suffix}` as HookName);
    if (pre.length > 0 || post.length > 0) table[op] = { pre, post };
  }
  return table;
}

/// <reference lib="esnext.disposable" preserve="true" />
import { setTimeout as sleep } from "node:timers/promises";
import { KEEP_TTL, type Backend, type MaybePromise, type TtlMs } from "./backends/backend.js";
import type {
  CacheOptions,
  CasVersion,
  GetOptions,
  GetOrSetOptions,
  KeyBuilder,
  OperationOptions,
  SetOptions,
  ValueValidator,
  VersionedValue,
} from "./cache-options.js";
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
import type { Operation } from "./operations.js";
import type { BasePlugin, HookContext } from "./plugins/base.js";
import { hookTable, type HookTable, type OperationHooks } from "./plugins/hooks.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import type { Serializer } from "./serializers/serializer.js";

const DEFAULT_TIMEOUT = 5;
/** aiocache's default lease for its stampede lock. */
const DEFAULT_LEASE = 2;
const NO_KEYS: readonly string[] = [];
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
  get(key: string, options?: GetOptions<V>): Promise<V | undefined> {
    if (this.#disabled) return Promise.resolve(options?.default);
    const read = this.#run("get", [key, options], options, key, NO_KEYS, (k, ns) =>
      this.#decodeStored(k, this.backend.get(k, ns)),
    );
    return options?.default === undefined
      ? read
      : read.then((value) => (value === undefined ? options.default : value));
  }

  /** Reads many keys at once; results follow the order of `keys`. */
  multiGet(keys: readonly string[], options?: OperationOptions): Promise<(V | undefined)[]> {
    if (this.#disabled) return Promise.resolve(keys.map(() => undefined));
    return this.#run("multiGet", [keys, options], options, undefined, keys, (_, ns, built) =>
      then(this.backend.multiGet(built, ns), (stored) => stored.map((s, i) => this.#decode(built[i]!, s))),
    );
  }

  /** Stores a value. `ttl` omitted means the cache's default; `0`/`null` means no expiry. */
  set(key: string, value: V, options?: SetOptions): Promise<true> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#run("set", [key, value, options], options, key, NO_KEYS, (k, ns) =>
      then(this.backend.set(k, this.#encode(k, value), this.#ttl(options), ns), () => true as const),
    );
  }

  /** Stores many values; with a TTL the write is atomic on Redis. */
  multiSet(pairs: readonly (readonly [string, V])[], options?: SetOptions): Promise<true> {
    if (this.#disabled) return Promise.resolve(true);
    const keys = pairs.map(([key]) => key);
    return this.#run("multiSet", [pairs, options], options, undefined, keys, (_, ns, built) => {
      const entries = pairs.map(([, value], i) => [built[i]!, this.#encode(built[i]!, value)] as const);
      return then(this.backend.multiSet(entries, this.#ttl(options), ns), () => true as const);
    });
  }

  /** Stores a value only if the key is absent; rejects with `KeyExistsError` otherwise. */
  add(key: string, value: V, options?: SetOptions): Promise<true> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#run("add", [key, value, options], options, key, NO_KEYS, (k, ns) =>
      then(this.backend.add(k, this.#encode(k, value), this.#ttl(options), ns), (added) => {
        if (!added) throw new KeyExistsError(k);
        return true as const;
      }),
    );
  }

  /** Deletes a key: 1 if it existed, 0 otherwise. */
  delete(key: string, options?: OperationOptions): Promise<0 | 1> {
    if (this.#disabled) return Promise.resolve(0);
    return this.#run("delete", [key, options], options, key, NO_KEYS, (k, ns) =>
      then(this.backend.delete(k, ns), (n) => (n > 0 ? 1 : 0)),
    );
  }

  /** Whether the key holds a value. */
  exists(key: string, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return Promise.resolve(false);
    return this.#run("exists", [key, options], options, key, NO_KEYS, (k, ns) => this.backend.exists(k, ns));
  }

  /**
   * Adds `delta` to an integer and returns the new value, creating the key at `delta`. The stored
   * counter stays readable by `get` with this cache's serializer.
   */
  increment(key: string, delta = 1, options?: OperationOptions): Promise<number> {
    if (!Number.isSafeInteger(delta))
      return Promise.reject(new TypeError(`increment delta must be an integer, got ${delta}`));
    if (this.#disabled) return Promise.resolve(delta);
    return this.#run("increment", [key, delta, options], options, key, NO_KEYS, (k, ns) =>
      this.serializer.decimalIntegers && this.backend.increment
        ? this.backend.increment(k, delta, ns)
        : this.#incrementByVersion(k, delta, ns),
    );
  }

  /** Sets the key's TTL (`0`/`null` removes it); `false` if the key is missing. */
  expire(key: string, ttl: Duration, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#run("expire", [key, ttl, options], options, key, NO_KEYS, (k, ns) =>
      this.backend.expire(k, toMillis(ttl, "ttl"), ns),
    );
  }

  /** Seconds left, `null` when the key never expires, `undefined` when it is missing. */
  getTtl(key: string, options?: OperationOptions): Promise<number | null | undefined> {
    if (this.#disabled) return Promise.resolve(undefined);
    return this.#run("getTtl", [key, options], options, key, NO_KEYS, (k, ns) =>
      then(this.backend.getTtl(k, ns), (ms) => (typeof ms === "number" ? ms / 1000 : ms)),
    );
  }

  /** Removes this cache's namespace; with no namespace, everything in its database. */
  clear(options?: OperationOptions): Promise<true> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#run("clear", [options], options, undefined, NO_KEYS, (_, ns) =>
      then(this.backend.clear(ns), () => true as const),
    );
  }

  /** Sends a command straight to the backend: no namespace, no serializer. */
  raw(command: string, ...args: unknown[]): Promise<unknown> {
    if (this.#disabled) return Promise.resolve(undefined);
    return this.#run("raw", [command, ...args], undefined, undefined, NO_KEYS, () => this.backend.raw(command, args));
  }

  /**
   * Returns the cached value, or runs `loader` once, stores its result and returns it. Concurrent
   * callers in this process share one loader run; a loader error reaches them all and caches nothing.
   */
  getOrSet(key: string, loader: () => V | Promise<V>, options?: GetOrSetOptions): Promise<V> {
    if (this.#disabled) return Promise.resolve().then(loader);
    let k: string;
    try {
      k = this.buildKey(key, options?.namespace ?? this.namespace);
    } catch (error) {
      return Promise.reject(error);
    }
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
  acquireLease(key: string, owner: string, lease: Duration, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#atomic("acquireLease", key, options, (k, ns) => this.backend.add(k, owner, leaseMillis(lease), ns));
  }

  /** Lock primitive: deletes `key` only while it still holds `owner` (compare-and-delete). */
  releaseLease(key: string, owner: string, options?: OperationOptions): Promise<boolean> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#atomic("releaseLease", key, options, (k, ns) => this.backend.deleteIfEquals(k, owner, ns));
  }

  /** Reads a value with the version {@link setIfVersion} compares against (memcached: its CAS token). */
  getVersioned(key: string, options?: OperationOptions): Promise<VersionedValue<V> | undefined> {
    if (this.#disabled) return Promise.resolve(undefined);
    return this.#atomic("getVersioned", key, options, (k, ns) =>
      then(this.backend.getVersioned(k, ns), (read) =>
        read === undefined ? undefined : { value: this.#decode(k, read.value)!, version: read as CasVersion },
      ),
    );
  }

  /** Writes only if the key still holds `version` (or is still absent when it is `undefined`). */
  setIfVersion(key: string, value: V, version: CasVersion | undefined, options?: SetOptions): Promise<boolean> {
    if (this.#disabled) return Promise.resolve(true);
    return this.#atomic("setIfVersion", key, options, (k, ns) =>
      this.backend.setIfVersion(k, this.#encode(k, value), version, this.#ttl(options), ns),
    );
  }

  /** A lock or compare-and-set primitive: key building and the deadline, without plugins (they hook operations, not locks). */
  #atomic<R>(
    op: string,
    key: string,
    options: OperationOptions | undefined,
    call: (k: string, ns: string) => MaybePromise<R>,
  ): Promise<R> {
    try {
      const ns = options?.namespace ?? this.namespace;
      const k = this.buildKey(key, ns);
      return this.#settle(op, k, options, call(k, ns));
    } catch (error) {
      return Promise.reject(error);
    }
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

  /**
   * Read-modify-write through compare-and-set, for counters whose serializer does not store decimal
   * text. Synchronous backends answer read and write in one step, so they never race; remote ones
   * retry after a jittered, growing pause so contenders spread out instead of colliding again.
   */
  #incrementByVersion(k: string, delta: number, ns: string, attempt = 0): MaybePromise<number> {
    return then(this.backend.getVersioned(k, ns), (current): MaybePromise<number> => {
      const base = current === undefined ? 0 : this.#decode(k, current.value);
      if (!Number.isSafeInteger(base)) throw new NotAnIntegerError(k);
      const next = (base as number) + delta;
      const ttl = current === undefined ? null : KEEP_TTL;
      return then(this.backend.setIfVersion(k, this.#encode(k, next as V), current, ttl, ns), (written) => {
        if (written) return next;
        if (attempt + 1 >= CAS_ATTEMPTS) {
          throw new BackendError(
            this.backend.name,
            `increment(${JSON.stringify(k)}) lost ${CAS_ATTEMPTS} compare-and-set races in a row. ` +
              `Use the json or string serializer for hot counters: they increment natively.`,
          );
        }
        const pause = Math.random() * Math.min(50, 2 ** attempt);
        return sleep(pause).then(() => this.#incrementByVersion(k, delta, ns, attempt + 1));
      });
    });
  }

  /**
   * Runs one operation: builds its key(s) in the namespace in effect, then makes the backend call
   * under the deadline, between the plugins' pre hooks (in order; a throw aborts) and post hooks
   * (with `took` and `result`). Without plugins it is a direct call returning one promise, and
   * nothing it throws, a key builder included, escapes synchronously.
   */
  #run<R>(
    op: Operation,
    args: readonly unknown[],
    options: OperationOptions | undefined,
    rawKey: string | undefined,
    rawKeys: readonly string[],
    call: (key: string, ns: string, keys: readonly string[]) => MaybePromise<R>,
  ): Promise<R> {
    try {
      const ns = options?.namespace ?? this.namespace;
      const key = rawKey === undefined ? "" : this.buildKey(rawKey, ns);
      const keys = rawKeys.length === 0 ? NO_KEYS : rawKeys.map((k) => this.buildKey(k, ns));
      const hooks = this.#hooks[op];
      if (hooks !== undefined) {
        const context: HookContext = { cache: this, op, args, key: rawKey === undefined ? undefined : key, keys };
        return this.#runHooked(hooks, context, options, () => call(key, ns, keys));
      }
      return this.#settle(op, key, options, call(key, ns, keys));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #runHooked<R>(
    hooks: OperationHooks,
    context: HookContext,
    options: OperationOptions | undefined,
    call: () => MaybePromise<R>,
  ): Promise<R> {
    for (const hook of hooks.pre) await hook(context);
    const start = performance.now();
    let result = call();
    if (result instanceof Promise) result = await this.#deadline(context.op, context.key ?? "", options, result);
    context.took = (performance.now() - start) / 1000;
    context.result = result;
    for (const hook of hooks.post) await hook(context);
    return result;
  }

  /** A backend's answer as the caller's promise: the deadline applies only to an answer still pending. */
  #settle<R>(op: string, key: string, options: OperationOptions | undefined, result: MaybePromise<R>): Promise<R> {
    return result instanceof Promise ? this.#deadline(op, key, options, result) : Promise.resolve(result);
  }

  #deadline<R>(op: string, key: string, options: OperationOptions | undefined, work: Promise<R>): Promise<R> {
    const ms = options?.timeout === undefined ? this.#timeoutMs : toMillis(options.timeout, "timeout");
    if (ms === null) return work;
    return withDeadline(work, ms, () => new CacheTimeoutError(op, key === "" ? undefined : key, ms / 1000));
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
function then<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

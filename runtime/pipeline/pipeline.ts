/// <reference lib="esnext.disposable" preserve="true" />
import { after, type Backend, type MaybePromise, type TtlMs } from "../backends/backend.js";
import type {
  AbsorbedErrorContext,
  AbsorbedErrorHandler,
  BadValuePolicy,
  CacheOptions,
  CasVersion,
  GetOptions,
  OperationOptions,
  SetOptions,
  VersionedValue,
} from "../cache-options.js";
import { withDeadline, type Reporter } from "../deadline.js";
import { leaseMillis, timeoutMillis, timerMillis, toMillis, toSeconds, type Duration } from "../duration.js";
import {
  CacheTimeoutError,
  ConfigError,
  InvalidKeyError,
  KeyExistsError,
  SerializationError,
  ValueValidationError,
} from "../errors.js";
import type { EventListener, OperationEvent } from "../events.js";
import type { Operation } from "../operations.js";
import type { BasePlugin } from "../plugins/base.js";
import { hookTable, type HookTable } from "../plugins/hooks.js";
import type { Serializer } from "../serializers/serializer.js";
import { ValueCodec } from "./codec.js";
import { KeyTemplate } from "./key-template.js";
import { hooked, keyCount, observation, observe, Watch, type Observation } from "./observe.js";

const NO_KEYS: readonly string[] = [];

/**
 * What one operation does once its key(s) are built: the store call and what its answer becomes.
 * `watch`, when someone listens, hears of a bad stored value that was read as a miss.
 */
export type StoreCall<R> = (
  key: string,
  namespace: string,
  keys: readonly string[],
  watch: Watch | undefined,
) => MaybePromise<R>;

/**
 * The operation pipeline: for one operation at a time, key building, TTL, timeout, serializer,
 * validation, plugin hooks, events and the disable switch, in front of a {@link Backend} that only
 * talks to its store. Nothing here spans several operations: that is the coordination layer's.
 *
 * `K` is what a key may be besides a string: with a key template, its parameters object
 * (`{ id: number; lang: string }`); without one it is `string`, so keys are strings only.
 */
export class Pipeline<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[], K = string> {
  /** Default namespace (`""` for none). */
  readonly namespace: string;
  /** Default TTL in seconds as configured, `null` for no expiry. */
  readonly ttl: number | null;
  /** Per-operation timeout in seconds, `null` when disabled. */
  readonly timeout: number | null;
  readonly serializer: Serializer<V>;
  readonly plugins: P;
  /** The registry alias this cache was built for, named in its events. */
  readonly alias: string | undefined;
  /** The key template keyed operations fill in from a parameters object, `undefined` for none. */
  readonly keyTemplate: string | undefined;
  /** The version every stored key carries (`v<version>:` before the key), `undefined` for none. */
  readonly keyVersion: string | undefined;
  /** What a read does with a stored value that fails to decode or validate. */
  readonly onBadValue: BadValuePolicy;
  protected readonly backend: Backend;
  /** The serializer and validator between callers and the store. */
  protected readonly codec: ValueCodec<V>;
  /** Whether operations are no-ops (`CACHEGEN_DISABLE=1`). */
  protected readonly disabled: boolean;
  readonly #ttlMs: TtlMs;
  readonly #timeoutMs: number | null;
  readonly #keyBuilder: CacheOptions["keyBuilder"];
  readonly #template: KeyTemplate | undefined;
  /** `v<version>:`, or `""` when keys carry no version. */
  readonly #versionPrefix: string;
  readonly #onError: AbsorbedErrorHandler;
  readonly #hooks: HookTable;
  readonly #observation: Observation;
  /** `get` has no hooks, so a call without options can skip {@link run}'s general steps. */
  readonly #directGet: boolean;

  constructor(
    backend: Backend,
    serializer: Serializer<V>,
    options: CacheOptions<V, P> = {},
    listener?: EventListener<OperationEvent>,
  ) {
    this.backend = backend;
    this.serializer = options.serializer ?? serializer;
    if (backend.bytesOnly === true && this.serializer.format === "object") {
      throw new ConfigError([
        {
          path: "serializer",
          message: `the ${this.serializer.name} serializer keeps objects in memory; ${backend.name} stores bytes: use json, string, v8 or msgpack`,
        },
      ]);
    }
    this.plugins = options.plugins ?? ([] as unknown as P);
    this.namespace = options.namespace ?? "";
    this.alias = options.alias;
    this.ttl = toSeconds(options.ttl, "ttl");
    this.#ttlMs = toMillis(options.ttl, "ttl");
    this.#timeoutMs = timeoutMillis(options.timeout);
    this.timeout = this.#timeoutMs === null ? null : this.#timeoutMs / 1000;
    this.#keyBuilder = options.keyBuilder;
    this.keyTemplate = options.keyTemplate;
    this.#template = keyTemplate(options.keyTemplate);
    this.keyVersion = options.keyVersion === undefined ? undefined : String(options.keyVersion);
    this.#versionPrefix = this.keyVersion === undefined ? "" : `v${this.keyVersion}:`;
    this.onBadValue = options.onBadValue ?? "error";
    this.#onError = options.onError ?? warnAbsorbed;
    this.#hooks = hookTable(this.plugins);
    this.disabled = options.disabled ?? process.env["CACHEGEN_DISABLE"] === "1";
    this.codec = new ValueCodec(this.serializer, options.validator, options.validate);
    this.#observation = observation(this.alias, backend.name, this.plugins, listener);
    this.#directGet = !this.disabled && this.#hooks.get === undefined;
  }

  /** Reads a key; `undefined` on a miss unless `default` is given. Stored falsy values come back as is. */
  get(key: string | K, options: GetOptions<V> & { default: V }): Promise<V>;
  get(key: string | K, options?: GetOptions<V>): Promise<V | undefined>;
  get(key: string | K, options?: GetOptions<V>): Promise<V | undefined> {
    if (options === undefined && this.#directGet) return this.#get(key);
    if (this.disabled) return Promise.resolve(options?.default);
    const read = this.run("get", [key, options], options, key, NO_KEYS, (k, ns, _, watch) =>
      after(this.backend.get(k, ns), (stored) => this.#decode(k, ns, stored, watch)),
    );
    return options?.default === undefined
      ? read
      : read.then((value) => (value === undefined ? options.default : value));
  }

  /** Reads many keys at once; results follow the order of `keys`. */
  multiGet(keys: readonly (string | K)[], options?: OperationOptions): Promise<(V | undefined)[]> {
    if (this.disabled) return Promise.resolve(keys.map(() => undefined));
    return this.run("multiGet", [keys, options], options, undefined, keys, (_, ns, built, watch) =>
      after(this.backend.multiGet(built, ns), (stored) => {
        const values = stored.map((s, i) => this.#decode(built[i]!, ns, s, watch));
        // A bad value read as a miss may wait for its delete; every other read is already decoded.
        if (!values.some((v) => v instanceof Promise)) return values as (V | undefined)[];
        return Promise.all(values.map(async (v) => v));
      }),
    );
  }

  /** Stores a value. `ttl` omitted means the cache's default; `0`/`null` means no expiry. */
  set(key: string | K, value: V, options?: SetOptions): Promise<true> {
    if (this.disabled) return Promise.resolve(true);
    return this.run("set", [key, value, options], options, key, NO_KEYS, (k, ns) =>
      after(this.backend.set(k, this.codec.encode(k, value), this.ttlOf(options), ns), () => true as const),
    );
  }

  /** Stores many values; with a TTL the write is atomic on Redis. */
  multiSet(pairs: readonly (readonly [string | K, V])[], options?: SetOptions): Promise<true> {
    if (this.disabled) return Promise.resolve(true);
    const keys = pairs.map(([key]) => key);
    return this.run("multiSet", [pairs, options], options, undefined, keys, (_, ns, built) => {
      const entries = pairs.map(([, value], i) => [built[i]!, this.codec.encode(built[i]!, value)] as const);
      return after(this.backend.multiSet(entries, this.ttlOf(options), ns), () => true as const);
    });
  }

  /** Stores a value only if the key is absent; rejects with `KeyExistsError` otherwise. */
  add(key: string | K, value: V, options?: SetOptions): Promise<true> {
    if (this.disabled) return Promise.resolve(true);
    return this.run("add", [key, value, options], options, key, NO_KEYS, (k, ns) =>
      after(this.backend.add(k, this.codec.encode(k, value), this.ttlOf(options), ns), (added) => {
        if (!added) throw new KeyExistsError(k);
        return true as const;
      }),
    );
  }

  /** Deletes a key: 1 if it existed, 0 otherwise. */
  delete(key: string | K, options?: OperationOptions): Promise<0 | 1> {
    if (this.disabled) return Promise.resolve(0);
    return this.run("delete", [key, options], options, key, NO_KEYS, (k, ns) =>
      after(this.backend.delete(k, ns), (n) => (n > 0 ? 1 : 0)),
    );
  }

  /** Whether the key holds a value. */
  exists(key: string | K, options?: OperationOptions): Promise<boolean> {
    if (this.disabled) return Promise.resolve(false);
    return this.run("exists", [key, options], options, key, NO_KEYS, (k, ns) => this.backend.exists(k, ns));
  }

  /** Sets the key's TTL (`0`/`null` removes it); `false` if the key is missing. */
  expire(key: string | K, ttl: Duration, options?: OperationOptions): Promise<boolean> {
    if (this.disabled) return Promise.resolve(true);
    return this.run("expire", [key, ttl, options], options, key, NO_KEYS, (k, ns) =>
      this.backend.expire(k, toMillis(ttl, "ttl"), ns),
    );
  }

  /** Seconds left, `null` when the key never expires, `undefined` when it is missing. */
  getTtl(key: string | K, options?: OperationOptions): Promise<number | null | undefined> {
    if (this.disabled) return Promise.resolve(undefined);
    return this.run("getTtl", [key, options], options, key, NO_KEYS, (k, ns) =>
      after(this.backend.getTtl(k, ns), (ms) => (typeof ms === "number" ? ms / 1000 : ms)),
    );
  }

  /** Removes this cache's namespace; with no namespace, everything in its database. */
  clear(options?: OperationOptions): Promise<true> {
    if (this.disabled) return Promise.resolve(true);
    return this.run("clear", [options], options, undefined, NO_KEYS, (_, ns) =>
      after(this.backend.clear(ns), () => true as const),
    );
  }

  /** Sends a command straight to the backend: no namespace, no serializer. */
  raw(command: string, ...args: unknown[]): Promise<unknown> {
    if (this.disabled) return Promise.resolve(undefined);
    return this.run("raw", [command, ...args], undefined, undefined, NO_KEYS, () => this.backend.raw(command, args));
  }

  /** Closes the connection. Idempotent; a later operation reconnects, as in aiocache. */
  async close(): Promise<void> {
    await this.backend.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * The stored key for `key` in namespace `ns`, as every operation builds it: {@link keyText}, then
   * the key version (`v3:user:42`), then the namespace layout or the key builder.
   */
  buildKey(key: string | K, ns: string = this.namespace): string {
    const text = typeof key === "string" ? key : this.keyText(key);
    const versioned = this.#versionPrefix === "" ? text : this.#versionPrefix + text;
    if (this.#keyBuilder !== undefined) return this.#keyBuilder(versioned, ns);
    return ns === "" ? versioned : ns + this.backend.separator + versioned;
  }

  /**
   * A key as text, before its version and namespace: a string as is, a parameters object written
   * into the key template. A parameter that would build a wrong key is an `InvalidKeyError`.
   */
  keyText(key: string | K): string {
    if (typeof key === "string") return key;
    if (this.#template === undefined) {
      throw new InvalidKeyError(
        this.backend.name,
        String(key),
        `This cache has no key template, so its keys are strings, got ${key === null ? "null" : typeof key}. ` +
          `Pass a string, or declare "key" (e.g. "user:{id}") on the alias.`,
      );
    }
    return this.#template.render(key, this.backend.name);
  }

  /**
   * Lock primitive: stores `owner` raw (no serializer, validator or plugins, so any alias can hold
   * locks) only if `key` is absent, expiring after `lease`. `false` when someone else holds it.
   */
  acquireLease(key: string, owner: string, lease: Duration, options?: OperationOptions): Promise<boolean> {
    if (this.disabled) return Promise.resolve(true);
    return this.primitive("acquireLease", key, options, (k, ns) => this.backend.add(k, owner, leaseMillis(lease), ns));
  }

  /** Lock primitive: deletes `key` only while it still holds `owner` (compare-and-delete). */
  releaseLease(key: string, owner: string, options?: OperationOptions): Promise<boolean> {
    if (this.disabled) return Promise.resolve(true);
    return this.primitive("releaseLease", key, options, (k, ns) => this.backend.deleteIfEquals(k, owner, ns));
  }

  /** Reads a value with the version {@link setIfVersion} compares against (memcached: its CAS token). */
  getVersioned(key: string | K, options?: OperationOptions): Promise<VersionedValue<V> | undefined> {
    if (this.disabled) return Promise.resolve(undefined);
    return this.primitive("getVersioned", key, options, (k, ns) =>
      after(this.backend.getVersioned(k, ns), (read) =>
        read === undefined
          ? undefined
          : after(this.#decode(k, ns, read.value, undefined), (value) =>
              value === undefined ? undefined : { value, version: read as CasVersion },
            ),
      ),
    );
  }

  /** Writes only if the key still holds `version` (or is still absent when it is `undefined`). */
  setIfVersion(key: string | K, value: V, version: CasVersion | undefined, options?: SetOptions): Promise<boolean> {
    if (this.disabled) return Promise.resolve(true);
    return this.primitive("setIfVersion", key, options, (k, ns) =>
      this.backend.setIfVersion(k, this.codec.encode(k, value), version, this.ttlOf(options), ns),
    );
  }

  /**
   * Runs one operation: builds its key(s) in the namespace in effect, then makes the store call
   * under the deadline, between its plugins' hooks if it has any, reporting its event if anyone
   * listens; otherwise it is a direct call returning one promise. Nothing it throws, a key builder
   * included, escapes synchronously.
   */
  protected run<R>(
    op: Operation,
    args: readonly unknown[],
    options: OperationOptions | undefined,
    rawKey: string | K | undefined,
    rawKeys: readonly (string | K)[],
    call: StoreCall<R>,
  ): Promise<R> {
    try {
      const ns = options?.namespace ?? this.namespace;
      const key = rawKey === undefined ? "" : this.buildKey(rawKey, ns);
      const keys = rawKeys.length === 0 ? NO_KEYS : rawKeys.map((k) => this.buildKey(k, ns));
      const hooks = this.#hooks[op];
      if (hooks !== undefined) {
        const context = { cache: this, op, args, key: rawKey === undefined ? undefined : key, keys };
        const settle = (result: MaybePromise<R>) => this.#settle(op, key, options, result);
        return hooked(this.#observation, hooks, context, (watch) => call(key, ns, keys, watch), settle);
      }
      const watch = observe(this.#observation) ? new Watch(this.#observation, op, keyCount(rawKey, keys)) : undefined;
      try {
        return this.#settle(op, key, options, call(key, ns, keys, watch), watch);
      } catch (error) {
        watch?.report(undefined, error, true);
        throw error;
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A lock or compare-and-set primitive: key building and the deadline, without plugins or events. */
  protected primitive<R>(
    op: string,
    key: string | K,
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

  /** True when `get` has no plugin hook and no one listens to its events: a local tier may answer it directly. */
  protected get quietGet(): boolean {
    return this.#directGet && !observe(this.#observation);
  }

  /** The TTL a write uses: the call's, else the cache's default. */
  protected ttlOf(options: SetOptions | undefined): TtlMs {
    return options === undefined || options.ttl === undefined ? this.#ttlMs : toMillis(options.ttl, "ttl");
  }

  /** {@link get} by {@link run}'s steps, with nothing allocated for hooks: the hot path of a hit. */
  #get(key: string | K): Promise<V | undefined> {
    const watch = observe(this.#observation) ? new Watch(this.#observation, "get", 1) : undefined;
    try {
      const ns = this.namespace;
      const k = this.buildKey(key, ns);
      const stored = this.backend.get(k, ns);
      const value =
        stored instanceof Promise
          ? stored.then((s) => this.#decode(k, ns, s, watch))
          : this.#decode(k, ns, stored, watch);
      return this.#settle("get", k, undefined, value, watch);
    } catch (error) {
      watch?.report(undefined, error, true);
      return Promise.reject(error);
    }
  }

  /** Decodes what a read found at `k`, under the alias's {@link decodeStored} policy. */
  #decode(k: string, ns: string, stored: unknown, watch: Watch | undefined): MaybePromise<V | undefined> {
    if (this.onBadValue === "error") return this.codec.decode(k, stored);
    return this.decodeStored(k, ns, stored, () => this.codec.decode(k, stored), watch);
  }

  /**
   * `decode()` of the value `stored` at `k`, as the alias's `onBadValue` says. Under `"miss"`, a
   * value that fails to decode or to validate is reported (to the operation's event and `onError`),
   * deleted unless someone replaced it meanwhile, and read as a miss; any other failure, and every
   * failure under `"error"`, throws. Every read path uses it: the pipeline's and the tiers'.
   */
  protected decodeStored<T>(
    k: string,
    ns: string,
    stored: unknown,
    decode: () => T,
    watch: Watch | undefined,
  ): MaybePromise<T | undefined> {
    if (this.onBadValue === "error") return decode();
    try {
      return decode();
    } catch (error) {
      if (!isBadValue(error)) throw error;
      watch?.badValue(error);
      this.#absorbed(error, k);
      // A failed delete is reported too; the read is a miss either way.
      const miss = (failure: unknown): undefined => {
        this.#absorbed(failure, k);
        return undefined;
      };
      try {
        const deleted = this.backend.deleteIfEquals(k, stored, ns);
        return deleted instanceof Promise ? deleted.then(() => undefined, miss) : undefined;
      } catch (failure) {
        this.#absorbed(failure, k);
        return undefined;
      }
    }
  }

  #absorbed(error: unknown, key: string): void {
    this.#onError(error, { alias: this.alias, key });
  }

  /**
   * A backend's answer as the caller's promise: the deadline applies only to an answer still
   * pending, and `watch` hears the outcome without a promise of its own.
   */
  #settle<R>(
    op: string,
    key: string,
    options: OperationOptions | undefined,
    result: MaybePromise<R>,
    watch?: Watch,
  ): Promise<R> {
    if (!(result instanceof Promise)) {
      watch?.report(result, undefined, false);
      return Promise.resolve(result);
    }
    const ms = options?.timeout === undefined ? this.#timeoutMs : timerMillis(options.timeout, "timeout");
    if (ms !== null) {
      return withDeadline(result, ms, () => new CacheTimeoutError(op, key === "" ? undefined : key, ms / 1000), watch);
    }
    return watch === undefined ? result : withOutcome(result, watch);
  }
}

/** `work`, with `outcome` told how it ended. */
function withOutcome<T>(work: Promise<T>, outcome: Reporter): Promise<T> {
  return work.then(
    (value) => {
      outcome.report(value, undefined, false);
      return value;
    },
    (error: unknown) => {
      outcome.report(undefined, error, true);
      throw error;
    },
  );
}

/** A stored value that cannot be read: it failed to decode, or to validate on the way out. */
function isBadValue(error: unknown): boolean {
  return (
    (error instanceof SerializationError && error.direction === "decode") ||
    (error instanceof ValueValidationError && error.direction === "get")
  );
}

/** The default `onError`: what a cache absorbed must not go unseen. */
function warnAbsorbed(error: unknown, context: AbsorbedErrorContext): void {
  const reason = error instanceof Error ? error.message : String(error);
  const alias = context.alias === undefined ? "" : ` of alias ${JSON.stringify(context.alias)}`;
  process.emitWarning(`cachegen: a cache${alias} read ${JSON.stringify(context.key)} as a miss: ${reason}`, {
    code: "CACHEGEN_BAD_VALUE",
  });
}

/** The parsed `keyTemplate` option; a template with problems is a `ConfigError` listing them. */
function keyTemplate(text: string | undefined): KeyTemplate | undefined {
  if (text === undefined) return undefined;
  const parsed = KeyTemplate.parse(text);
  if (parsed instanceof KeyTemplate) return parsed;
  throw new ConfigError(parsed.problems.map((message) => ({ path: "keyTemplate", message })));
}

import { NotAnIntegerError } from "../errors.js";

/** A value or a promise of it: the memory backend answers synchronously and skips a tick. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `fn` to a value or the value of a promise, without a tick when it is already there. */
export function after<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}

/** Keep the key's current expiry (used by increment-style updates). */
export const KEEP_TTL = -1;

/**
 * A TTL as backends receive it: whole milliseconds, or `null` for no expiry. Only `setIfVersion`
 * may also receive {@link KEEP_TTL}.
 */
export type TtlMs = number | null;

const DECIMAL = /^-?\d+$/;

/** A counter stored as decimal text, as `increment` reads it: a safe integer or `NotAnIntegerError`. */
export function parseDecimal(key: string, text: string): number {
  const n = Number(text);
  if (!DECIMAL.test(text) || !Number.isSafeInteger(n)) throw new NotAnIntegerError(key);
  return n;
}

/** A stored value together with an opaque version token for compare-and-set. */
export interface Versioned {
  readonly value: unknown;
  readonly token: unknown;
}

/**
 * What a store must do. Backends receive fully built keys (namespace applied by the pipeline) and
 * serialized values; they never see plugins, serializers or timeouts. Every keyed method also gets
 * the namespace the key was built with, for stores that scope by it (memcached's generation).
 *
 * A backend connects lazily and reconnects after `close()`, as aiocache's do.
 */
export interface Backend {
  /** Name used in error messages, e.g. `redis`. */
  readonly name: string;
  /** Joins namespace and key: `""` for memory and memcached, `":"` for Redis (aiocache's layout). */
  readonly separator: string;
  /** The store keeps text or bytes only, so a serializer that keeps objects (`null`) cannot work. */
  readonly bytesOnly?: boolean;

  get(key: string, namespace: string): MaybePromise<unknown>;
  multiGet(keys: readonly string[], namespace: string): MaybePromise<unknown[]>;
  set(key: string, value: unknown, ttl: TtlMs, namespace: string): MaybePromise<void>;
  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs, namespace: string): MaybePromise<void>;
  /** Stores only when the key is absent; resolves `false` when it exists. */
  add(key: string, value: unknown, ttl: TtlMs, namespace: string): MaybePromise<boolean>;
  delete(key: string, namespace: string): MaybePromise<number>;
  exists(key: string, namespace: string): MaybePromise<boolean>;
  /**
   * Native atomic increment of a value stored as decimal text, creating it at `delta`.
   * Throws `NotAnIntegerError` for anything else; resolves `undefined` for a case the store cannot
   * do natively (memcached: below zero), which then goes through compare-and-set, as every
   * increment does with serializers whose `decimalIntegers` is false.
   */
  increment?(key: string, delta: number, namespace: string): MaybePromise<number | undefined>;
  /** Sets (or with `null` removes) the expiry; `false` when the key is missing. */
  expire(key: string, ttl: TtlMs, namespace: string): MaybePromise<boolean>;
  /** Milliseconds left, `null` for no expiry, `undefined` for a missing key. */
  getTtl(key: string, namespace: string): MaybePromise<number | null | undefined>;
  /** Removes the namespace's keys, or everything this backend's database holds when it is `""`. */
  clear(namespace: string): MaybePromise<void>;
  raw(command: string, args: readonly unknown[]): Promise<unknown>;

  /** Reads a value with a token that {@link setIfVersion} can compare against. */
  getVersioned(key: string, namespace: string): MaybePromise<Versioned | undefined>;
  /**
   * Writes only if the key still holds the version read (or is still absent when `expected` is
   * `undefined`). `ttl` may be {@link KEEP_TTL}.
   */
  setIfVersion(
    key: string,
    value: unknown,
    expected: Versioned | undefined,
    ttl: TtlMs,
    namespace: string,
  ): MaybePromise<boolean>;
  /** Deletes only if the key holds exactly `value` (lock release by owner token). */
  deleteIfEquals(key: string, value: unknown, namespace: string): MaybePromise<boolean>;

  close(): Promise<void>;
}

import type { AnyCache } from "../registry.js";
import {
  cacheGetter,
  type CacheChoice,
  type ChosenKey,
  type ChosenValue,
  type LooseChoice,
  type UntypedCache,
  type UntypedCacheMap,
} from "./cache-choice.js";
import type { MultiCachedControls } from "./controls.js";
import { GuardedCache } from "./guarded.js";
import { callSwitches, REFRESH, type CacheSwitches, type WrapperOptions } from "./options.js";
import { stableKey } from "./stable-key.js";
import { methodDecorator, wrapFunction } from "./wrap.js";

/** What a `multiCached` function resolves to: a Map, or a record keyed by the keys as strings; `V` bounds its values. */
export type MultiResult<V = unknown> = ReadonlyMap<unknown, V> | Readonly<Record<PropertyKey, V>>;

/** A batch function whose values a cache storing `V` can hold. */
export type MultiFunction<V = unknown> = (...args: any[]) => Promise<MultiResult<V>>;
type ResultOf<F extends MultiFunction> = Awaited<ReturnType<F>>;
/** The key type of a result: a Map's key type, or a record's key type. */
export type KeyOfResult<T> = T extends ReadonlyMap<infer K, unknown> ? K : keyof T;
/** The value type of a result. */
export type ValueOfResult<T> = T extends ReadonlyMap<unknown, infer V> ? V : T[keyof T];

/**
 * Settings of `multiCached`; `K` and `V` are the key and value types of the function's result,
 * `CK` what the cache takes as a key (a string, or also its key template's parameters).
 */
export interface MultiCachedOptions<K = unknown, V = unknown, CK = string> extends WrapperOptions {
  /**
   * Which argument holds the keys: its position, or a property of the first argument when the
   * function takes an options object (aiocache's `keys_from_attr`). @default 0
   */
  keysArg?: number | string;
  /**
   * The cache key of one requested key (`this` is the call's receiver), or its key template's
   * parameters; used as is, the cache adds its namespace once.
   * @default the key itself when a string, else its stable serialization
   */
  keyBuilder?: (key: K, ...args: any[]) => CK;
  /** Values for which this returns true are returned but not stored. */
  skipCache?: (value: V) => boolean;
  /** The result's shape when every key is a hit and the function is not called. @default "record" */
  returns?: "map" | "record";
}

/** `returns: "map"` is required exactly when the function resolves to a Map. */
type ReturnsFor<T> = T extends ReadonlyMap<unknown, unknown> ? { returns: "map" } : { returns?: "record" };

/** The settings of `multiCached(fn, settings)`, typed by the function's result; the cache choice aside. */
export type MultiCachedSettings<F extends MultiFunction, CK = string> = MultiCachedOptions<
  KeyOfResult<ResultOf<F>>,
  ValueOfResult<ResultOf<F>>,
  CK
> &
  ReturnsFor<ResultOf<F>>;

/** Options of `multiCached(fn, options)`, typed by the function's result. */
export type MultiCachedFunctionOptions<
  F extends MultiFunction,
  C extends AnyCache,
  M,
  A extends string,
> = MultiCachedSettings<F, ChosenKey<C, M, A>> & CacheChoice<C, M, A>;

/** A standard method decorator for batch methods whose values the chosen cache (storing `V`) can hold. */
export type MultiCachingDecorator<V> = <This, F extends (this: This, ...args: any[]) => Promise<MultiResult<V>>>(
  target: F,
  context: ClassMethodDecoratorContext<This, F>,
) => F;

/** `fn` with its exact type, plus {@link MultiCachedControls}. */
export type MultiCached<F extends MultiFunction> = F & MultiCachedControls<Parameters<F>, ResultOf<F>>;

/**
 * Caches a batch function per key (aiocache v1's `multi_cached`): `fn` receives only the keys
 * that missed, in their original form, and returns a Map or record of them. The result merges
 * hits and fresh values in request order; only requested keys are stored, with `multiSet`.
 * Called with only options, it is a method decorator.
 */
export function multiCached<
  F extends MultiFunction<ChosenValue<C, M, A>>,
  C extends AnyCache = UntypedCache,
  M = UntypedCacheMap,
  A extends string = string,
>(fn: F, options: MultiCachedFunctionOptions<F, C, M, A>): MultiCached<F>;
export function multiCached<C extends AnyCache = UntypedCache, M = UntypedCacheMap, A extends string = string>(
  options: MultiCachedOptions<unknown, unknown, ChosenKey<C, M, A>> & CacheChoice<C, M, A>,
): MultiCachingDecorator<ChosenValue<C, M, A>>;
export function multiCached(fnOrOptions: MultiFunction | LooseOptions, options?: LooseOptions): unknown {
  if (typeof fnOrOptions !== "function") {
    const settings = fnOrOptions as LooseOptions & LooseChoice;
    return methodDecorator((fn) => batchEngine(fn, settings));
  }
  return wrapFunction(fnOrOptions, batchEngine(fnOrOptions, options ?? {}));
}

/** The options as the implementation sees them: the overloads checked the types. */
type LooseOptions = MultiCachedOptions<unknown, unknown, unknown>;

function batchEngine(fn: (this: unknown, ...args: never[]) => Promise<unknown>, options: LooseOptions & LooseChoice) {
  const store = new GuardedCache<unknown>(cacheGetter(options), options);
  const keysArg = options.keysArg ?? 0;
  const { keyBuilder, skipCache } = options;
  const keyOf = (self: unknown, key: unknown, args: readonly unknown[]): string => {
    if (keyBuilder === undefined) return typeof key === "string" ? key : stableKey(key);
    const built = keyBuilder.call(self, key, ...args);
    return typeof built === "string" ? built : store.cache.keyText(built);
  };
  const requestedKeys = (args: readonly unknown[]) => [...new Set(readKeys(args, keysArg))];
  const keysFor = (self: unknown, args: readonly unknown[]) => requestedKeys(args).map((key) => keyOf(self, key, args));
  const engine = {
    kind: "multiCached" as const,
    async call(self: unknown, args: readonly unknown[], switches?: CacheSwitches): Promise<MultiResult> {
      const { cacheRead, cacheWrite } = callSwitches(options, switches);
      const requested = requestedKeys(args);
      const cacheKeys = requested.map((key) => keyOf(self, key, args));
      const hits = cacheRead ? await store.multiGet(cacheKeys) : requested.map(() => undefined);
      const missing = requested.filter((_, i) => hits[i] === undefined);
      const fresh =
        missing.length === 0
          ? () => undefined
          : lookup(await fn.apply(self, withKeys(args, keysArg, missing) as never[]));
      const merged = new Map<unknown, unknown>();
      const pairs: [string, unknown][] = [];
      requested.forEach((key, i) => {
        const hit = hits[i];
        const value = hit !== undefined ? hit : fresh(key);
        if (value === undefined) return;
        merged.set(key, value);
        if (hit === undefined && skipCache?.(value) !== true) pairs.push([cacheKeys[i]!, value]);
      });
      if (cacheWrite) await store.multiSet(pairs);
      return options.returns === "map" ? merged : Object.fromEntries(merged as Map<PropertyKey, unknown>);
    },
    async invalidate(self: unknown, args: readonly unknown[]): Promise<number> {
      const cache = store.cache;
      const deleted = await Promise.all(keysFor(self, args).map((key) => cache.delete(key, store.options)));
      return deleted.reduce<number>((sum, n) => sum + n, 0);
    },
    controls: (self: unknown): MultiCachedControls<unknown[], MultiResult> => ({
      invalidate: (...args) => engine.invalidate(self, args),
      keysFor: (...args) => keysFor(self, args),
      refresh: (...args) => engine.call(self, args, REFRESH),
      with:
        (switches) =>
        (...args) =>
          engine.call(self, args, switches),
    }),
  };
  return engine;
}

function readKeys(args: readonly unknown[], keysArg: number | string): Iterable<unknown> {
  const keys =
    typeof keysArg === "number" ? args[keysArg] : (args[0] as Record<string, unknown> | undefined)?.[keysArg];
  if (keys === null || typeof keys !== "object" || !(Symbol.iterator in keys)) {
    const where =
      typeof keysArg === "number" ? `argument ${keysArg}` : `property ${JSON.stringify(keysArg)} of argument 0`;
    throw new TypeError(`multiCached(): ${where} must be a list of keys (set keysArg to where the keys are).`);
  }
  return keys as Iterable<unknown>;
}

function withKeys(args: readonly unknown[], keysArg: number | string, keys: unknown[]): unknown[] {
  const copy = [...args];
  if (typeof keysArg === "number") copy[keysArg] = keys;
  else copy[0] = { ...(copy[0] as object), [keysArg]: keys };
  return copy;
}

/** Looks a key up in the function's result, whichever shape it returned. */
function lookup(result: unknown): (key: unknown) => unknown {
  if (result instanceof Map) return (key) => (result as Map<unknown, unknown>).get(key);
  if (result === null || typeof result !== "object") {
    throw new TypeError(
      `multiCached(): the function must resolve to a Map or a record of the keys, got ${result === null ? "null" : typeof result}.`,
    );
  }
  const record = result as Record<string, unknown>;
  return (key) => (Object.hasOwn(record, String(key)) ? record[String(key)] : undefined);
}

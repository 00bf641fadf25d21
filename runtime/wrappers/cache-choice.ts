import type { Cache } from "../cache.js";
import { caches } from "../caches.js";
import type { AnyCache, CacheMap, CacheRegistry } from "../registry.js";

type ValueOf<C> = C extends Cache<infer V, any> ? V : never;

/** A readable compile error: options missing this property fail, and its name says why. */
interface ResultDoesNotFit {
  readonly "error: the function's result type is not assignable to the cache's value type": never;
}

/** `unknown` when values of type `R` can be stored in cache `C`, else {@link ResultDoesNotFit}. */
export type Fits<R, C> = [R] extends [ValueOf<C>] ? unknown : ResultDoesNotFit;

/**
 * Which cache a wrapper uses: an instance, or an alias looked up on every call in a registry (the
 * generated, typed `caches`, or by default the dynamic one), so an alias configured or replaced
 * after the wrapper was made is honoured.
 */
export type CacheChoice<R, C extends AnyCache, M extends CacheMap, A extends keyof M & string> =
  | ({ cache: C; alias?: never; registry?: never } & Fits<R, C>)
  | ({ alias: A; registry?: CacheRegistry<M, any>; cache?: never } & Fits<R, M[A]>);

/** How a decorator picks its cache: the value type it stores then bounds the methods it accepts. */
export type DecoratorChoice<C extends AnyCache, M extends CacheMap, A extends keyof M & string> =
  { cache: C; alias?: never; registry?: never } | { alias: A; registry?: CacheRegistry<M, any>; cache?: never };

/** What a plain cache stores as far as types know; the default when no cache type was inferred. */
export type UntypedCache = Cache;

/** The default registry map, so an unused side of a choice adds `unknown` (not `any`) to {@link ChosenValue}. */
export type UntypedCacheMap = { readonly [alias: string]: UntypedCache };

/** The value type of the cache a {@link DecoratorChoice} picked (the other side's defaults are `unknown`). */
export type ChosenValue<C extends AnyCache, M extends CacheMap, A extends keyof M & string> = ValueOf<C> &
  ValueOf<M[A]>;

/** The untyped view of a {@link CacheChoice} the implementation works with. */
export interface LooseChoice {
  readonly cache?: AnyCache;
  readonly alias?: string;
  readonly registry?: { get(alias: string): AnyCache };
}

/** A getter for the chosen cache; fails now when neither `cache` nor `alias` is given. */
export function cacheGetter(choice: LooseChoice): () => AnyCache {
  const { cache, alias } = choice;
  if (cache !== undefined) return () => cache;
  if (alias === undefined) throw new TypeError("Pass the wrapper a cache ({ cache }) or an alias ({ alias }).");
  const registry = choice.registry ?? caches;
  return () => registry.get(alias);
}

import type { AnyCache, CacheMap } from "../registry.js";
import type {
  CacheChoice,
  ChosenValue,
  DecoratorChoice,
  LooseChoice,
  UntypedCache,
  UntypedCacheMap,
} from "./cache-choice.js";
import { createEngine, plainFlow, type CachedControls, type CachedOptions, type Flow } from "./engine.js";
import type { AsyncFunction } from "./options.js";
import { methodDecorator, wrapFunction, type CachingDecorator } from "./wrap.js";

/** `fn` with its exact type, plus `invalidate`, `keyFor`, `refresh` and `with`. */
export type Cached<F extends AsyncFunction> = F & CachedControls<Parameters<F>, Awaited<ReturnType<F>>>;

/** Options of `cached(fn, options)`: settings plus the cache, typed by what `fn` returns. */
export type CachedFunctionOptions<
  F extends AsyncFunction,
  C extends AnyCache,
  M extends CacheMap,
  A extends keyof M & string,
> = CachedOptions<Awaited<ReturnType<F>>> & CacheChoice<Awaited<ReturnType<F>>, C, M, A>;

/**
 * Caches an async function's results (aiocache's `@cached`): a hit, `null` included, returns the
 * stored value; a miss calls `fn` and stores its result. A cache failure is reported to `onError`
 * and the call goes through; an error from `fn` propagates and nothing is stored. Called with only
 * options, it is a method decorator (the instance is left out of the key).
 */
export function cached<
  F extends AsyncFunction,
  C extends AnyCache = UntypedCache,
  M extends CacheMap = UntypedCacheMap,
  A extends keyof M & string = keyof M & string,
>(fn: F, options: CachedFunctionOptions<F, C, M, A>): Cached<F>;
export function cached<
  C extends AnyCache = UntypedCache,
  M extends CacheMap = UntypedCacheMap,
  A extends keyof M & string = keyof M & string,
>(options: CachedOptions & DecoratorChoice<C, M, A>): CachingDecorator<ChosenValue<C, M, A>>;
export function cached(fnOrOptions: AsyncFunction | CachedOptions, options?: CachedOptions): unknown {
  return wrapOrDecorate("cached", plainFlow, fnOrOptions, options);
}

/** The shared body of `cached` and `cachedStampede`: wrap a function, or make a method decorator. */
export function wrapOrDecorate(
  wrapper: string,
  flow: Flow,
  fnOrOptions: AsyncFunction | CachedOptions,
  options: CachedOptions | undefined,
): unknown {
  if (typeof fnOrOptions !== "function") {
    const settings = fnOrOptions as CachedOptions & LooseChoice;
    return methodDecorator((fn, nameOf) => createEngine(fn, settings, "this", nameOf, flow));
  }
  const fn = fnOrOptions;
  const settings = (options ?? {}) as CachedOptions & LooseChoice;
  if (fn.name === "" && settings.key === undefined && settings.keyBuilder === undefined) {
    throw new TypeError(`${wrapper}(): an anonymous function has no name to key its calls by; pass key or keyBuilder.`);
  }
  const engine = createEngine(fn, settings, "first-argument", () => fn.name, flow);
  return wrapFunction(fn, engine);
}

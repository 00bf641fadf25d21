import type { AnyCache } from "../registry.js";
import {
  choiceHasTemplate,
  type CacheChoice,
  type ChosenKey,
  type ChosenValue,
  type LooseChoice,
  type UntypedCache,
  type UntypedCacheMap,
} from "./cache-choice.js";
import type { TemplateKeyed } from "./call-key.js";
import type { CachedControls } from "./controls.js";
import { createEngine, plainFlow, type CachedOptions, type Flow } from "./engine.js";
import type { AsyncFunction } from "./options.js";
import { methodDecorator, wrapFunction, type CachingDecorator } from "./wrap.js";

/** `fn` with its exact type, plus `invalidate`, `keyFor`, `refresh` and `with`. */
export type Cached<F extends AsyncFunction> = F & CachedControls<Parameters<F>, Awaited<ReturnType<F>>>;

/** Options of `cached(fn, options)`: settings plus the cache, typed by what `fn` returns. */
export type CachedFunctionOptions<F extends AsyncFunction, C extends AnyCache, M, A extends string> = CachedOptions<
  Awaited<ReturnType<F>>,
  ChosenKey<C, M, A>
> &
  CacheChoice<C, M, A> &
  TemplateKeyed<F, ChosenKey<C, M, A>>;

/**
 * Caches an async function's results (aiocache's `@cached`): a hit, `null` included, returns the
 * stored value; a miss calls `fn` and stores its result. A cache failure is reported to `onError`
 * and the call goes through; an error from `fn` propagates and nothing is stored. Called with only
 * options, it is a method decorator (the instance is left out of the key). Calls are keyed by `key`,
 * else `keyBuilder`, else, when the cache has a key template, by their first argument (the
 * template's parameters), else by the function's name and arguments.
 *
 * The result check sits in `F`'s constraint, not in the options: before TypeScript 6, a named
 * function expression is checked against the options before `F` is inferred.
 */
export function cached<
  F extends AsyncFunction<ChosenValue<C, M, A>>,
  C extends AnyCache = UntypedCache,
  M = UntypedCacheMap,
  A extends string = string,
>(fn: F, options: CachedFunctionOptions<F, C, M, A>): Cached<F>;
export function cached<C extends AnyCache = UntypedCache, M = UntypedCacheMap, A extends string = string>(
  options: CachedOptions<unknown, ChosenKey<C, M, A>> & CacheChoice<C, M, A>,
): CachingDecorator<ChosenValue<C, M, A>>;
export function cached(fnOrOptions: AsyncFunction | LooseOptions, options?: LooseOptions): unknown {
  return wrapOrDecorate("cached", plainFlow, fnOrOptions, options);
}

/** The options as the implementation sees them: the overloads checked the key's type. */
type LooseOptions = CachedOptions<unknown, unknown>;

/** The shared body of `cached` and `cachedStampede`: wrap a function, or make a method decorator. */
export function wrapOrDecorate(
  wrapper: string,
  flow: Flow,
  fnOrOptions: AsyncFunction | LooseOptions,
  options: LooseOptions | undefined,
): unknown {
  if (typeof fnOrOptions !== "function") {
    const settings = fnOrOptions as LooseOptions & LooseChoice;
    return methodDecorator((fn, nameOf) => createEngine(fn, settings, "this", nameOf, flow));
  }
  const fn = fnOrOptions;
  const settings = (options ?? {}) as LooseOptions & LooseChoice;
  if (
    fn.name === "" &&
    settings.key === undefined &&
    settings.keyBuilder === undefined &&
    !choiceHasTemplate(settings)
  ) {
    throw new TypeError(`${wrapper}(): an anonymous function has no name to key its calls by; pass key or keyBuilder.`);
  }
  const engine = createEngine(fn, settings, "first-argument", () => fn.name, flow);
  return wrapFunction(fn, engine);
}

import { CacheRegistry } from "./registry.js";
import type { AliasChoice, AliasKey, AliasValue } from "./wrappers/cache-choice.js";
import type { TemplateKeyed } from "./wrappers/call-key.js";
import { cached, type Cached } from "./wrappers/cached.js";
import type { CachedOptions } from "./wrappers/engine.js";
import {
  multiCached,
  type MultiCached,
  type MultiCachedOptions,
  type MultiCachedSettings,
  type MultiCachingDecorator,
  type MultiFunction,
} from "./wrappers/multi-cached.js";
import type { AsyncFunction } from "./wrappers/options.js";
import { cachedStampede, type StampedeOptions } from "./wrappers/stampede.js";
import type { CachingDecorator } from "./wrappers/wrap.js";

/**
 * The registry generated code builds: a {@link CacheRegistry} whose wrappers take an alias of its
 * own, `caches.cached(fn, { alias: "users" })`, checked like `cached(fn, { alias, registry: caches })`
 * and looked up in this registry. It lives above the registry and the wrappers, which both stay
 * free of each other.
 *
 * As in the registry, a function form's first overload takes a known alias cheaply and the next
 * one checks a wrong alias; for 200 calls on 200 aliases that first overload saves a quarter of
 * the instantiations.
 */
export class TypedCacheRegistry<M, C> extends CacheRegistry<M, C> {
  /** {@link cached} with an alias of this registry; with only options, a method decorator. */
  cached<A extends keyof M & string, F extends AsyncFunction<AliasValue<M, A>>>(
    fn: F,
    options: CachedOptions<Awaited<ReturnType<F>>, AliasKey<M, A>> & KnownAlias<A> & TemplateKeyed<F, AliasKey<M, A>>,
  ): Cached<F>;
  cached<F extends AsyncFunction<AliasValue<M, A>>, A extends string>(
    fn: F,
    options: CachedOptions<Awaited<ReturnType<F>>, AliasKey<M, A>> &
      AliasChoice<M, A> &
      TemplateKeyed<F, AliasKey<M, A>>,
  ): Cached<F>;
  cached<A extends string>(
    options: CachedOptions<unknown, AliasKey<M, A>> & AliasChoice<M, A>,
  ): CachingDecorator<AliasValue<M, A>>;
  cached(...args: [AsyncFunction, object] | [object]): unknown {
    return (cached as Wrapper)(...this.#own(args));
  }

  /** {@link cachedStampede} with an alias of this registry; with only options, a method decorator. */
  cachedStampede<A extends keyof M & string, F extends AsyncFunction<AliasValue<M, A>>>(
    fn: F,
    options: StampedeOptions<Awaited<ReturnType<F>>, AliasKey<M, A>> & KnownAlias<A> & TemplateKeyed<F, AliasKey<M, A>>,
  ): Cached<F>;
  cachedStampede<F extends AsyncFunction<AliasValue<M, A>>, A extends string>(
    fn: F,
    options: StampedeOptions<Awaited<ReturnType<F>>, AliasKey<M, A>> &
      AliasChoice<M, A> &
      TemplateKeyed<F, AliasKey<M, A>>,
  ): Cached<F>;
  cachedStampede<A extends string>(
    options: StampedeOptions<unknown, AliasKey<M, A>> & AliasChoice<M, A>,
  ): CachingDecorator<AliasValue<M, A>>;
  cachedStampede(...args: [AsyncFunction, object] | [object]): unknown {
    return (cachedStampede as Wrapper)(...this.#own(args));
  }

  /** {@link multiCached} with an alias of this registry; with only options, a method decorator. */
  multiCached<A extends keyof M & string, F extends MultiFunction<AliasValue<M, A>>>(
    fn: F,
    options: MultiCachedSettings<F, AliasKey<M, A>> & KnownAlias<A>,
  ): MultiCached<F>;
  multiCached<F extends MultiFunction<AliasValue<M, A>>, A extends string>(
    fn: F,
    options: MultiCachedSettings<F, AliasKey<M, A>> & AliasChoice<M, A>,
  ): MultiCached<F>;
  multiCached<A extends string>(
    options: MultiCachedOptions<unknown, unknown, AliasKey<M, A>> & AliasChoice<M, A>,
  ): MultiCachingDecorator<AliasValue<M, A>>;
  multiCached(...args: [MultiFunction, object] | [object]): unknown {
    return (multiCached as Wrapper)(...this.#own(args));
  }

  /** A wrapper's arguments with this registry in the options. */
  #own(args: [unknown, object] | [object]): [unknown, object] | [object] {
    return args.length === 2 ? [args[0], { ...args[1], registry: this }] : [{ ...args[0], registry: this }];
  }
}

/** The alias option of a first, cheap overload: an alias the registry has. */
interface KnownAlias<A extends string> {
  alias: A;
  cache?: never;
}

/** A wrapper as the implementation calls it: its overloads checked the arguments already. */
type Wrapper = (...args: [unknown, object] | [object]) => unknown;

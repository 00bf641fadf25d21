import type { CheckedAlias } from "../alias-check.js";
import type { Cache } from "../cache.js";
import { caches } from "../caches.js";
import type { AnyCache, CacheRegistry } from "../registry.js";

type ValueOf<C> = C extends Cache<infer V, any> ? V : never;

/** The value type alias `A` of `M` stores; `unknown` for an alias `M` lacks, so its own message is the error shown. */
export type AliasValue<M, A extends string> = A extends keyof M ? ValueOf<M[A]> : unknown;

/**
 * The value type the chosen cache stores, which bounds what the wrapped function may resolve to
 * (as its constraint, so a result that does not fit is an error naming both types).
 */
export type ChosenValue<C, M, A extends string> = ValueOf<C> & AliasValue<M, A>;

/**
 * What cache `C` takes as a key: a string, or also its key template's parameters. Read off one
 * method, which costs far less than inferring the cache class's type arguments.
 */
export type KeyArg<C> = C extends { keyText(key: infer K): string } ? K : string;

/** What alias `A` of `M` takes as a key; `string` for an alias `M` lacks. */
export type AliasKey<M, A extends string> = A extends keyof M ? KeyArg<M[A]> : string;

/** What the chosen cache takes as a key (the side of the choice not taken adds only `string`). */
export type ChosenKey<C, M, A extends string> = KeyArg<C> | AliasKey<M, A>;

/** An alias of `M`, checked: a wrong name fails with a sentence naming it and the nearest aliases. */
export interface AliasChoice<M, A extends string> {
  alias: CheckedAlias<A, M>;
  cache?: never;
}

/**
 * Which cache a wrapper uses: an instance, or an alias of a registry (the generated, typed
 * `caches`, or by default the dynamic one). The alias must exist when the wrapper is made; its
 * instance is looked up on every call, so an alias reconfigured afterwards is honoured.
 */
export type CacheChoice<C extends AnyCache, M, A extends string> =
  { cache: C; alias?: never; registry?: never } | (AliasChoice<M, A> & { registry?: CacheRegistry<M, any> });

/** What a plain cache stores as far as types know; the default when no cache type was inferred. */
export type UntypedCache = Cache;

/** The default registry map, so an unused side of a choice adds `unknown` (not `any`) to {@link ChosenValue}. */
export type UntypedCacheMap = { readonly [alias: string]: UntypedCache };

/** The untyped view of a {@link CacheChoice} the implementation works with. */
export interface LooseChoice {
  readonly cache?: AnyCache;
  readonly alias?: string;
  readonly registry?: { get(alias: string): AnyCache; getAliasConfig(alias: string): unknown };
}

/**
 * A getter for the chosen cache. Fails now when neither `cache` nor `alias` is given, and with
 * `UnknownAliasError` when the registry has no such alias.
 */
export function cacheGetter(choice: LooseChoice): () => AnyCache {
  const { cache, alias } = choice;
  if (cache !== undefined) return () => cache;
  if (alias === undefined) throw new TypeError("Pass the wrapper a cache ({ cache }) or an alias ({ alias }).");
  const registry = choice.registry ?? caches;
  registry.getAliasConfig(alias);
  return () => registry.get(alias);
}

/**
 * Whether the chosen cache has a key template, as a wrapper is made (the alias's config as written,
 * or the instance's option); its calls are then keyed by their first argument.
 */
export function choiceHasTemplate(choice: LooseChoice): boolean {
  if (choice.cache !== undefined) return choice.cache.keyTemplate !== undefined;
  if (choice.alias === undefined) return false;
  const config = (choice.registry ?? caches).getAliasConfig(choice.alias) as { readonly key?: unknown };
  return config.key !== undefined;
}

import { TypedCacheRegistry } from "cachegen";

/** The config as written, with literal types. `${VAR}` fields are read from the environment when this module loads. */
const config = {} as const;

/**
 * The config's type: `caches.getAliasConfig(alias)` is its entry for that alias. An interface, so
 * hovers show its name rather than the whole literal.
 */
export interface CacheConfig extends Readonly<typeof config> {}

/** Every alias in the config. */
export type CacheAlias = never;

/** The value type each alias stores. */
export interface CacheValues {}

/** The cache class `caches.get(alias)` returns for each alias. */
export interface CacheTypes {}

/** The typed registry: `caches.get(alias)` is the alias's shared instance, `caches.create(alias)` a new one. */
export const caches: TypedCacheRegistry<CacheTypes, CacheConfig> = new TypedCacheRegistry<CacheTypes, CacheConfig>(
  config,
  {},
);

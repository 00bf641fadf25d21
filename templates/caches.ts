import { CacheRegistry } from "cachegen";

/** The config as written, with literal types. `${VAR}` fields are read from the environment when this module loads. */
const config = {} as const;

/** Every alias in the config. */
export type CacheAlias = never;

/** The value type each alias stores. */
export interface CacheValues {}

/** The cache class `caches.get(alias)` returns for each alias. */
export interface CacheTypes {}

/** The typed registry: `caches.get(alias)` is the alias's shared instance, `caches.create(alias)` a new one. */
export const caches = new CacheRegistry<CacheTypes, typeof config>(config, {});

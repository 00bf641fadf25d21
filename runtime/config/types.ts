// The config's types, as the schema (schema/cachegen.schema.json, their one source) defines them:
// compiled into types.generated.ts by scripts/compile-schema.mjs, named here for the public API.
import type {
  Alias,
  CachegenConfig,
  EnvRef,
  HostPort,
  MemcachedAlias,
  MemoryAlias,
  Plugin,
  RedisAlias,
  Serializer,
} from "./types.generated.js";

/** `"${VAR}"` or `"${VAR:-default}"`: read from `process.env` when the cache is built. */
export type { EnvRef };

/** A `{ host, port }` pair (cluster nodes, sentinels). */
export type { HostPort };

/** An alias's `serializer` field. */
export type SerializerConfig = Serializer;

/** One entry of an alias's `plugins` list. */
export type PluginConfig = Plugin;

/**
 * One alias as written in the config (snake_case, as in aiocache): the fields every backend shares,
 * and each built-in backend's own (which of them apply depends on `cache`; the schema checks that).
 */
export type AliasConfig = Alias &
  Partial<Omit<MemoryAlias, "cache">> &
  Partial<Omit<RedisAlias, "cache">> &
  Partial<Omit<MemcachedAlias, "cache">>;

/** A whole config: alias name → alias config, plus the reserved `$schema`, `$out` and `telemetry`. */
export type CachesConfig = { readonly [alias: string]: AliasConfig } & Pick<
  CachegenConfig,
  "$schema" | "$out" | "telemetry"
>;

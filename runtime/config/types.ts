import type { Duration } from "../duration.js";

/** `"${VAR}"` or `"${VAR:-default}"`: read from `process.env` when the cache is built. */
export type EnvRef = `\${${string}}`;

/** A `{ host, port }` pair (cluster nodes, sentinels). */
export interface HostPort {
  readonly host: string;
  readonly port: number | EnvRef;
}

/** An alias's `serializer` field. */
export interface SerializerConfig {
  readonly class: string;
  readonly schema?: object | boolean;
  readonly type?: { readonly from: string; readonly name: string };
  readonly validate?: "none" | "set" | "get" | "both";
  readonly encoding?: string;
  readonly [option: string]: unknown;
}

/** One entry of an alias's `plugins` list. */
export interface PluginConfig {
  readonly class: string;
  readonly [option: string]: unknown;
}

/**
 * One alias as written in the config (snake_case, as in aiocache). The JSON Schema in
 * `schema/cachegen.schema.json` is the authority on which fields each backend takes.
 */
export interface AliasConfig {
  readonly cache: string;
  readonly namespace?: string;
  readonly ttl?: Duration | EnvRef;
  readonly timeout?: Duration | EnvRef;
  readonly key_builder?: string;
  readonly serializer?: SerializerConfig;
  readonly plugins?: readonly PluginConfig[];
  readonly max_size?: number | EnvRef;
  readonly endpoint?: string;
  readonly port?: number | EnvRef;
  readonly db?: number | EnvRef;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: boolean | object | EnvRef;
  readonly url?: string;
  readonly create_connection_timeout?: Duration | EnvRef;
  readonly pool_max_size?: number | EnvRef;
  readonly cluster?: { readonly nodes: readonly HostPort[] };
  readonly sentinels?: readonly HostPort[];
  readonly sentinel_name?: string;
  readonly hash_tag?: boolean;
  readonly servers?: readonly string[];
  readonly pool_size?: number | EnvRef;
  readonly item_size?: number | EnvRef;
  readonly generation_ttl?: Duration | EnvRef;
  readonly [option: string]: unknown;
}

/** A whole config: alias name → alias config, plus the reserved `$schema` and `$out`. */
export type CachesConfig = { readonly [alias: string]: AliasConfig } & {
  readonly $schema?: string;
  readonly $out?: string;
};

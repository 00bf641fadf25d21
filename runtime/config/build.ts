import { Cache } from "../cache.js";
import type { CacheOptions, ValueValidator } from "../cache-options.js";
import { ConfigError } from "../errors.js";
import { MemcachedCache } from "../memcached-cache.js";
import { MemoryCache } from "../memory-cache.js";
import { BasePlugin } from "../plugins/base.js";
import { HitMissRatioPlugin } from "../plugins/hit-miss-ratio.js";
import { TimingPlugin } from "../plugins/timing.js";
import { RedisCache } from "../redis-cache.js";
import { JsonSerializer } from "../serializers/json.js";
import { MsgPackSerializer } from "../serializers/msgpack.js";
import { NullSerializer } from "../serializers/null.js";
import type { Serializer } from "../serializers/serializer.js";
import { StringSerializer } from "../serializers/string.js";
import { V8Serializer } from "../serializers/v8.js";
import type { BusConfig } from "../policy-options.js";
import { envKindAt } from "./env-kinds.js";
import { readEnv } from "./env.js";
import {
  backendName,
  pluginName,
  serializerName,
  type BackendName,
  type PluginName,
  type SerializerName,
} from "./builtins.js";
import { formatPath, type Segments } from "./problems.js";
import type { AliasConfig, PluginConfig, SerializerConfig } from "./types.js";

/** What building needs besides the config: user modules (`./x.ts#Export` → value), validators, telemetry. */
export interface BuildContext {
  readonly modules?: Readonly<Record<string, unknown>>;
  readonly validator?: ValueValidator | undefined;
  /** The key version `cachegen generate` computed for `key_version: "schema"`. */
  readonly keyVersion?: string | undefined;
  /** The config's top-level `telemetry`: the default of aliases that do not set their own. */
  readonly telemetry?: boolean | undefined;
  /** Another alias's shared instance: a memcached alias's bus travels on the Redis alias it names. */
  readonly aliasCache?: ((alias: string) => Cache) | undefined;
}

type AnyOptions = CacheOptions & Record<string, unknown>;
type Constructor<T> = new (options: Record<string, unknown>) => T;

// The classes of the built-ins table (builtins.ts), by canonical name: the types keep both in step.
/** Built-in backends. Each cache class loads its client library lazily, on first use. */
const BACKENDS: Record<BackendName, (options: AnyOptions) => Cache> = {
  memory: (options) => new MemoryCache(options),
  redis: (options) => new RedisCache(options),
  memcached: (options) => new MemcachedCache(options),
};

const SERIALIZERS: Record<SerializerName, () => Serializer> = {
  null: () => new NullSerializer(),
  string: () => new StringSerializer(),
  json: () => new JsonSerializer(),
  v8: () => new V8Serializer(),
  msgpack: () => new MsgPackSerializer(),
};

const PLUGINS: Record<PluginName, () => BasePlugin> = {
  hit_miss_ratio: () => new HitMissRatioPlugin(),
  timing: () => new TimingPlugin(),
};

/**
 * Builds a new cache for one alias: snake_case config → camelCase options (env references read
 * now), overrides applied on top, then the backend's class.
 */
export function buildCache(
  alias: string,
  config: AliasConfig,
  overrides: Readonly<Record<string, unknown>>,
  context: BuildContext,
): Cache {
  const options = { ...aliasOptions(alias, config, context), ...overrides } as AnyOptions;
  const backend = backendName(config.cache);
  if (backend !== undefined) return BACKENDS[backend](options);
  const cls = userModule(alias, ["cache"], config.cache, context);
  if (typeof cls !== "function" || !(cls.prototype instanceof Cache)) {
    const what = typeof cls === "function" && cls.prototype instanceof BasePlugin ? "a plugin" : "not a cache class";
    throw new ConfigError([
      {
        path: `${alias}.cache`,
        segments: [alias, "cache"],
        message: `${config.cache} is ${what}; cache names a class that extends Cache (MemoryCache, RedisCache, …)`,
      },
    ]);
  }
  return new (cls as Constructor<Cache>)(options);
}

function aliasOptions(alias: string, config: AliasConfig, context: BuildContext): Record<string, unknown> {
  const backend = backendName(config.cache) ?? "module";
  const options: Record<string, unknown> = { alias };
  if (context.telemetry !== undefined) options["telemetry"] = context.telemetry;
  for (const [field, value] of Object.entries(config)) {
    if (field === "key_builder") {
      options["keyBuilder"] = userModule(alias, [field], value as string, context);
    } else if (field === "serializer") {
      options["serializer"] = serializer(alias, value as SerializerConfig, context);
      options["validate"] = (value as SerializerConfig).validate;
    } else if (field === "plugins") {
      options["plugins"] = (value as PluginConfig[]).map((p, i) => plugin(alias, i, p, context));
    } else if (field === "key") {
      options["keyTemplate"] = value;
    } else if (field === "key_version") {
      options["keyVersion"] = value === "schema" ? schemaVersion(alias, context) : value;
    } else if (field === "bus" && typeof value === "string") {
      options["bus"] = busOn(alias, value, context);
    } else if (field !== "cache") {
      options[camelCase(field)] = camelKeys(withEnv(value, backend, [alias, field]), field);
    }
  }
  if (context.validator !== undefined) options["validator"] = context.validator;
  return options;
}

/**
 * `value` with every `${VAR}` in it read now, each converted as the schema types its place (as the
 * generated file's `fromEnv` reads do): a port is an integer, a TTL a duration, anything else text.
 */
function withEnv(value: unknown, backend: BackendName | "module", segments: Segments): unknown {
  if (typeof value === "string") return readEnv(value, envKindAt(backend, segments.slice(1)), formatPath(segments));
  if (Array.isArray(value)) return value.map((item, i) => withEnv(item, backend, [...segments, i]));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, withEnv(child, backend, [...segments, key])]),
  );
}

/** The computed version `key_version: "schema"` stands for; only the generator can compute it. */
function schemaVersion(alias: string, context: BuildContext): string {
  if (context.keyVersion !== undefined) return context.keyVersion;
  throw new ConfigError([
    {
      path: `${alias}.key_version`,
      segments: [alias, "key_version"],
      message:
        'key_version "schema" is a hash of the value type that cachegen generate computes; use the generated ' +
        "caches, or a number or string here (with the dynamic registry, pass the generated keyVersions option)",
    },
  ]);
}

function serializer(alias: string, config: SerializerConfig, context: BuildContext): Serializer {
  const name = serializerName(config.class);
  if (name !== undefined) return SERIALIZERS[name]();
  const { class: ref, schema: _schema, type: _type, validate: _validate, ...options } = config;
  return new (userModule(alias, ["serializer", "class"], ref, context) as Constructor<Serializer>)(options);
}

function plugin(alias: string, index: number, config: PluginConfig, context: BuildContext): BasePlugin {
  const name = pluginName(config.class);
  if (name !== undefined) return PLUGINS[name]();
  const { class: ref, ...options } = config;
  return new (userModule(alias, ["plugins", index, "class"], ref, context) as Constructor<BasePlugin>)(options);
}

function userModule(
  alias: string,
  segments: readonly (string | number)[],
  ref: string,
  context: BuildContext,
): unknown {
  const value = context.modules?.[ref];
  if (value === undefined) {
    throw new ConfigError([
      {
        path: [alias, ...segments].join("."),
        segments: [alias, ...segments],
        message:
          `module ${JSON.stringify(ref)} is not loaded. Generated code imports it for you; ` +
          `with the dynamic registry pass it as new CacheRegistry(config, { modules: { ${JSON.stringify(ref)}: value } })`,
      },
    ]);
  }
  return value;
}

/** The nested settings objects (`local`, `bus`) take camelCase keys too. */
function camelKeys(value: unknown, field: string): unknown {
  if ((field !== "local" && field !== "bus") || value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [camelCase(key), child]));
}

/** A memcached alias's bus: the pub/sub of the Redis alias it names, started when first used. */
function busOn(alias: string, redisAlias: string, context: BuildContext): BusConfig {
  return {
    group: alias,
    transport: () => {
      const cache = context.aliasCache?.(redisAlias);
      if (!(cache instanceof RedisCache)) {
        return Promise.reject(
          new ConfigError([
            {
              path: `${alias}.bus`,
              segments: [alias, "bus"],
              message: `${JSON.stringify(redisAlias)} is not a Redis alias of this registry; the bus needs Redis pub/sub`,
            },
          ]),
        );
      }
      return cache.busTransport();
    },
  };
}

function camelCase(field: string): string {
  return field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

import { schema } from "./schema.generated.js";

const defs = schema.definitions;

/**
 * The one table of built-in classes, read by the runtime registry and by the generator: each
 * backend, serializer and plugin by canonical name, with its class, the spellings the config
 * accepts (aiocache's dotted names included, from the schema's enums), and the defaults and value
 * types that go with it. The runtime binds the classes to these names in `build.ts`.
 */
export const BUILTINS = {
  backends: {
    memory: { className: "MemoryCache", spellings: defs.memoryClass.enum, schema: "memoryAlias", serializer: "null" },
    redis: { className: "RedisCache", spellings: defs.redisClass.enum, schema: "redisAlias", serializer: "json" },
    memcached: {
      className: "MemcachedCache",
      spellings: defs.memcachedClass.enum,
      schema: "memcachedAlias",
      serializer: "json",
    },
  },
  serializers: {
    null: { className: "NullSerializer", spellings: defs.nullSerializer.enum, valueType: "unknown" },
    string: { className: "StringSerializer", spellings: defs.stringSerializer.enum, valueType: "string" },
    json: { className: "JsonSerializer", spellings: defs.jsonSerializer.enum, valueType: "JsonValue" },
    v8: { className: "V8Serializer", spellings: defs.v8Serializer.enum, valueType: "unknown" },
    msgpack: { className: "MsgPackSerializer", spellings: defs.msgpackSerializer.enum, valueType: "unknown" },
  },
  plugins: {
    hit_miss_ratio: { className: "HitMissRatioPlugin", spellings: defs.hitMissRatioPlugin.enum },
    timing: { className: "TimingPlugin", spellings: defs.timingPlugin.enum },
  },
} as const;

/** Built-in backends by canonical name. */
export type BackendName = keyof typeof BUILTINS.backends;
/** Built-in serializers by canonical name. */
export type SerializerName = keyof typeof BUILTINS.serializers;
/** Built-in plugins by canonical name. */
export type PluginName = keyof typeof BUILTINS.plugins;

const BACKENDS = spellingIndex<BackendName>(BUILTINS.backends);
const SERIALIZERS = spellingIndex<SerializerName>(BUILTINS.serializers);
const PLUGINS = spellingIndex<PluginName>(BUILTINS.plugins);

const MODULE_REF = new RegExp(defs.moduleRef.pattern);

/** A `./path/to/module.ts#Export` reference to user code. */
export function isModuleRef(value: string): boolean {
  return MODULE_REF.test(value);
}

/** `aiocache.RedisCache` → `redis`; `undefined` for a module reference or an unknown name. */
export function backendName(name: string): BackendName | undefined {
  return BACKENDS.get(name);
}

/** `aiocache.serializers.PickleSerializer` → `v8`; `undefined` for a module reference or an unknown name. */
export function serializerName(name: string): SerializerName | undefined {
  return SERIALIZERS.get(name);
}

/** `aiocache.plugins.TimingPlugin` → `timing`; `undefined` for a module reference or an unknown name. */
export function pluginName(name: string): PluginName | undefined {
  return PLUGINS.get(name);
}

function spellingIndex<N extends string>(
  table: Readonly<Record<N, { readonly spellings: readonly string[] }>>,
): ReadonlyMap<string, N> {
  const map = new Map<string, N>();
  for (const [canonical, { spellings }] of Object.entries(table) as [N, { spellings: readonly string[] }][]) {
    for (const spelling of spellings) map.set(spelling, canonical);
  }
  return map;
}

import schema from "../../schema/cachegen.schema.json" with { type: "json" };

/** Built-in backends by canonical name. */
export type BackendName = "memory" | "redis" | "memcached";
/** Built-in serializers by canonical name. */
export type SerializerName = "null" | "string" | "json" | "v8" | "msgpack";
/** Built-in plugins by canonical name. */
export type PluginName = "hit_miss_ratio" | "timing";

const defs = schema.definitions;

// The schema's enums are the one list of accepted spellings; each maps to its canonical name.
const BACKENDS = index<BackendName>({
  memory: defs.memoryClass.enum,
  redis: defs.redisClass.enum,
  memcached: defs.memcachedClass.enum,
});
const SERIALIZERS = index<SerializerName>({
  null: defs.nullSerializer.enum,
  string: defs.stringSerializer.enum,
  json: defs.jsonSerializer.enum,
  v8: defs.v8Serializer.enum,
  msgpack: defs.msgpackSerializer.enum,
});
const PLUGINS = index<PluginName>({
  hit_miss_ratio: defs.hitMissRatioPlugin.enum,
  timing: defs.timingPlugin.enum,
});

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

function index<N extends string>(groups: Record<N, readonly string[]>): ReadonlyMap<string, N> {
  const map = new Map<string, N>();
  for (const [canonical, spellings] of Object.entries(groups) as [N, readonly string[]][]) {
    for (const spelling of spellings) map.set(spelling, canonical);
  }
  return map;
}

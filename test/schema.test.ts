import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTINS, backendName, pluginName, serializerName } from "../runtime/config/builtins.js";
import { CacheRegistry } from "../runtime/index.js";
import { configProblems } from "../runtime/config/validate.js";
import schema from "../schema/cachegen.schema.json" with { type: "json" };
import {
  compileConfigTypes,
  compileSchema,
  compileSchemaModule,
  SCHEMA_MODULE_PATH,
  TYPES_PATH,
  VALIDATOR_PATH,
} from "../scripts/compile-schema.mjs";

const SEED = {
  default: { cache: "aiocache.SimpleMemoryCache", serializer: { class: "aiocache.serializers.StringSerializer" } },
  redis_alt: {
    cache: "aiocache.RedisCache",
    endpoint: "127.0.0.1",
    port: 6379,
    timeout: 1,
    serializer: { class: "aiocache.serializers.PickleSerializer" },
    plugins: [{ class: "aiocache.plugins.HitMissRatioPlugin" }, { class: "aiocache.plugins.TimingPlugin" }],
  },
};

describe("schema/cachegen.schema.json", () => {
  it("is precompiled into the committed validator (run `npm run build` after editing the schema)", () => {
    expect(readFileSync(VALIDATOR_PATH, "utf8")).toBe(compileSchema());
  });

  it("is compiled into the committed config types (run `npm run build` after editing the schema)", async () => {
    expect(readFileSync(TYPES_PATH, "utf8")).toBe(await compileConfigTypes());
  });

  it("is copied into the committed schema module the runtime reads (run `npm run build` after editing the schema)", () => {
    expect(readFileSync(SCHEMA_MODULE_PATH, "utf8")).toBe(compileSchemaModule());
  });

  it("accepts the seed config verbatim", () => {
    expect(configProblems(SEED)).toEqual([]);
  });

  it("accepts every documented field of every backend", () => {
    expect(
      configProblems({
        $schema: "./node_modules/cachegen/schema/cachegen.schema.json",
        $out: "src/caches.ts",
        mem: {
          cache: "memory",
          namespace: "m:",
          ttl: "5m",
          timeout: null,
          max_size: 1000,
          key_builder: "./keys.ts#build",
          serializer: { class: "json", schema: { type: "object" }, validate: "both" },
          plugins: [{ class: "timing" }, { class: "./plugins.ts#Audit", level: "info" }],
        },
        red: {
          cache: "redis",
          url: "rediss://user:pw@cache.internal:6380/2",
          endpoint: "${REDIS_HOST:-127.0.0.1}",
          port: "${REDIS_PORT}",
          db: 2,
          username: "app",
          password: "${REDIS_PASSWORD}",
          tls: { rejectUnauthorized: false },
          create_connection_timeout: "2s",
          pool_max_size: 10,
          namespace: "app",
          hash_tag: true,
          serializer: { class: "msgpack", type: { from: "./models.ts", name: "User" } },
        },
        clu: { cache: "aiocache.backends.redis.RedisCache", cluster: { nodes: [{ host: "127.0.0.1", port: 7000 }] } },
        sen: {
          cache: "redis",
          sentinels: [{ host: "127.0.0.1", port: 26379 }],
          sentinel_name: "mymaster",
          db: "${DB:-0}",
        },
        mc: {
          cache: "memcached",
          servers: ["127.0.0.1:11211", "127.0.0.1:11212"],
          pool_size: 2,
          ttl: 0.5,
          item_size: 2097152,
          generation_ttl: "250ms",
        },
        mc2: { cache: "aiocache.MemcachedCache", endpoint: "127.0.0.1", port: 11211 },
        own: {
          cache: "./backends/disk.ts#DiskCache",
          directory: "/tmp/cache",
          serializer: { class: "./ser.ts#Ser", level: 9 },
        },
        "any alias name, even with spaces": { cache: "memory" },
      }),
    ).toEqual([]);
  });

  it("maps every accepted spelling to a canonical name", () => {
    const defs = schema.definitions;
    expect(defs.memoryClass.enum.map(backendName)).toEqual(defs.memoryClass.enum.map(() => "memory"));
    expect(defs.redisClass.enum.map(backendName)).toEqual(defs.redisClass.enum.map(() => "redis"));
    expect(defs.memcachedClass.enum.map(backendName)).toEqual(defs.memcachedClass.enum.map(() => "memcached"));
    expect(defs.v8Serializer.enum.map(serializerName)).toEqual(defs.v8Serializer.enum.map(() => "v8"));
    expect(defs.timingPlugin.enum.map(pluginName)).toEqual(defs.timingPlugin.enum.map(() => "timing"));
    expect(serializerName("aiocache.serializers.PickleSerializer")).toBe("v8");
    expect(backendName("./x.ts#X")).toBeUndefined();
  });

  it("binds every built-in of the one table to the class it names", async () => {
    const runtime = (await import("../runtime/index.js")) as Record<string, unknown>;
    const groups: Record<string, { className: string; spellings: readonly string[] }>[] = [
      BUILTINS.backends,
      BUILTINS.serializers,
      BUILTINS.plugins,
    ];
    for (const group of groups) {
      for (const [name, { className, spellings }] of Object.entries(group)) {
        expect(typeof runtime[className], className).toBe("function");
        expect(spellings, name).toContain(name);
      }
    }
    const built = new CacheRegistry({ r: { cache: "redis" }, m: { cache: "memory", plugins: [{ class: "timing" }] } });
    expect(built.create("r").constructor.name).toBe(BUILTINS.backends.redis.className);
    expect(built.create("r").serializer.constructor.name).toBe(
      BUILTINS.serializers[BUILTINS.backends.redis.serializer].className,
    );
    expect(built.create("m").plugins[0]?.constructor.name).toBe(BUILTINS.plugins.timing.className);
  });

  it("rejects a config that is not an object", () => {
    expect(configProblems([])).toEqual([{ path: "", segments: [], message: "expected object, found []" }]);
    expect(configProblems("x")[0]?.message).toBe('expected object, found "x"');
  });
});

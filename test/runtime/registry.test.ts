import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BasePlugin,
  Cache,
  CacheRegistry,
  ConfigError,
  HitMissRatioPlugin,
  JsonSerializer,
  MemoryCache,
  MsgPackSerializer,
  NullSerializer,
  StringSerializer,
  TimingPlugin,
  UnknownAliasError,
  V8Serializer,
  caches,
  type AliasConfig,
  type CacheOptions,
} from "../../runtime/index.js";
import { MemoryStore } from "../../runtime/backends/memory-store.js";

const SEED = {
  default: { cache: "aiocache.SimpleMemoryCache", serializer: { class: "aiocache.serializers.StringSerializer" } },
};

const problemsOf = (config: unknown) => {
  try {
    new CacheRegistry(config as never);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("config was accepted");
};

describe("CacheRegistry", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("maps aiocache names and builds one lazy instance per alias", async () => {
    const registry = new CacheRegistry(SEED);
    const cache = registry.get("default");
    expect(cache).toBeInstanceOf(MemoryCache);
    expect(cache.serializer).toBeInstanceOf(StringSerializer);
    expect(registry.get("default")).toBe(cache);
    await cache.set("k", "v");
    expect(await registry.get("default").get("k")).toBe("v");
  });

  it("create() returns a new instance every call, with camelCase overrides", () => {
    const registry = new CacheRegistry<Record<string, Cache>>({
      local: { cache: "memory", namespace: "app", ttl: 10 },
    });
    const a = registry.create("local");
    const b = registry.create("local", { namespace: "test", ttl: "1m", maxSize: 3 });
    expect(a).not.toBe(b);
    expect(a).not.toBe(registry.get("local"));
    expect([a.namespace, a.ttl]).toEqual(["app", 10]);
    expect([b.namespace, b.ttl, (b as MemoryCache).maxSize]).toEqual(["test", 60, 3]);
  });

  it("builds every built-in serializer and plugin, in list order", () => {
    const registry = new CacheRegistry({
      n: { cache: "memory" },
      s: { cache: "memory", serializer: { class: "string" } },
      j: { cache: "MemoryCache", serializer: { class: "JsonSerializer" } },
      v: { cache: "aiocache.backends.memory.SimpleMemoryCache", serializer: { class: "pickle" } },
      m: { cache: "memory", serializer: { class: "aiocache.serializers.MsgPackSerializer" } },
      p: {
        cache: "memory",
        plugins: [{ class: "aiocache.plugins.TimingPlugin" }, { class: "hit_miss_ratio" }, { class: "TimingPlugin" }],
      },
    });
    expect(registry.get("n").serializer).toBeInstanceOf(NullSerializer);
    expect(registry.get("s").serializer).toBeInstanceOf(StringSerializer);
    expect(registry.get("j").serializer).toBeInstanceOf(JsonSerializer);
    expect(registry.get("v").serializer).toBeInstanceOf(V8Serializer);
    expect(registry.get("m").serializer).toBeInstanceOf(MsgPackSerializer);
    const plugins = registry.get("p").plugins;
    expect(plugins.map((p) => p.constructor)).toEqual([TimingPlugin, HitMissRatioPlugin, TimingPlugin]);
  });

  it("getAliasConfig and getConfig return the config as written, read-only", () => {
    const registry = new CacheRegistry(SEED);
    expect(registry.getAliasConfig("default")).toEqual(SEED.default);
    expect(registry.getConfig()).toEqual(SEED);
    expect(Object.isFrozen(registry.getAliasConfig("default").serializer)).toBe(true);
    expect(() => registry.getAliasConfig("nope" as never)).toThrow(UnknownAliasError);
  });

  it("an unknown alias is UnknownAliasError listing the known ones", () => {
    const registry = new CacheRegistry(SEED);
    const error = (() => {
      try {
        registry.get("defualt");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownAliasError);
    expect(error).toMatchObject({ code: "E_UNKNOWN_ALIAS", alias: "defualt" });
    expect((error as Error).message).toMatch(/Unknown cache alias "defualt". Known aliases: "default"/);
    expect(() => registry.get("toString")).toThrow(UnknownAliasError);
  });

  it("setConfig reports every problem at once, each with its path", () => {
    expect(
      problemsOf({
        redis_alt: {
          cache: "aiocache.RedisCache",
          pot: 6379,
          port: "x",
          timeout: "soon",
          serializer: { class: "null" },
        },
        bad: { cache: "aiocache.NopeCache" },
        noclass: { namespace: "x" },
        mem: { cache: "memory", serializer: { class: "json", bad: 1 }, plugins: [{ class: "nope" }], max_size: 0 },
        $extra: 1,
        list: [],
      }),
    ).toEqual([
      'redis_alt.pot: unknown field "pot"; did you mean "port"?',
      'redis_alt.port: "x" is not valid: expected a TCP port, 1-65535',
      'redis_alt.timeout: "soon" is not valid: expected seconds (fractions allowed), or a string such as "250ms", "10s", "5m", "1h", "1d". 0 or null: none',
      'bad.cache: "aiocache.NopeCache" is not valid: expected memory, redis or memcached; an aiocache class name; or ./module.ts#Export for a user backend',
      'noclass: missing required field "cache"',
      'mem.serializer.bad: unknown field "bad"; allowed: class, schema, type, validate, encoding',
      'mem.plugins[0].class: "nope" is not valid: expected hit_miss_ratio, timing; an aiocache class name; or ./module.ts#Export',
      "mem.max_size: 0 is not valid: expected a positive integer",
      "$extra: Keys starting with $ are reserved; only $schema and $out are defined.",
      "list: expected object, found []",
    ]);
  });

  it("suggests the closest class name, and still checks shared fields when the class is wrong", () => {
    expect(
      problemsOf({
        a: { cache: "aiocache.RedisCahce", serializer: { class: "JsonSerialiser" }, ttl: "soon" },
        b: { cache: "memory", plugins: [{ class: "TimingPlugn" }] },
      }),
    ).toEqual([
      'a.cache: "aiocache.RedisCahce" is not valid: expected memory, redis or memcached; an aiocache class name; or ./module.ts#Export for a user backend; did you mean "aiocache.RedisCache"?',
      'a.serializer.class: "JsonSerialiser" is not valid: expected null, string, json, v8 (pickle), msgpack; an aiocache class name; or ./module.ts#Export; did you mean "JsonSerializer"?',
      'a.ttl: "soon" is not valid: expected seconds (fractions allowed), or a string such as "250ms", "10s", "5m", "1h", "1d". 0 or null: none',
      'b.plugins[0].class: "TimingPlugn" is not valid: expected hit_miss_ratio, timing; an aiocache class name; or ./module.ts#Export; did you mean "TimingPlugin"?',
    ]);
  });

  it("runs the semantic checks on aliases that match the schema", () => {
    expect(
      problemsOf({
        r: { cache: "redis", serializer: { class: "null" } },
        m: { cache: "memcached", serializer: { class: "aiocache.serializers.NullSerializer" } },
        s: { cache: "redis", sentinels: [{ host: "h", port: 1 }] },
        v: { cache: "memory", serializer: { class: "json", validate: "both" } },
        h: { cache: "redis", hash_tag: true },
      }),
    ).toEqual([
      "r.serializer.class: the null serializer stores values by reference and only works with the memory backend; redis stores bytes, use json, string, v8 or msgpack",
      "m.serializer.class: the null serializer stores values by reference and only works with the memory backend; memcached stores bytes, use json, string, v8 or msgpack",
      "s.sentinels: sentinels need sentinel_name: the name of the master the sentinels monitor",
      "v.serializer.validate: validate needs serializer.schema: the validator is compiled from it",
      "h.hash_tag: hash_tag wraps the namespace in {…}; set a namespace to tag",
    ]);
  });

  it("accepts $schema and $out, which are not aliases", () => {
    const registry = new CacheRegistry({ $schema: "./schema.json", $out: "src/caches.ts", ...SEED } as never);
    expect(Object.keys(registry.getConfig())).toEqual(["default"]);
  });

  it("replacing an alias closes its old instance; unchanged aliases keep theirs", async () => {
    const registry = new CacheRegistry<Record<string, Cache>>({ a: { cache: "memory" }, b: { cache: "memory" } });
    const a = registry.get("a");
    const b = registry.get("b");
    const closeA = vi.spyOn(a, "close");
    const closeB = vi.spyOn(b, "close");
    registry.setConfig({ a: { cache: "memory", namespace: "changed" }, b: { cache: "memory" } });
    expect(closeA).toHaveBeenCalledOnce();
    expect(closeB).not.toHaveBeenCalled();
    expect(registry.get("a")).not.toBe(a);
    expect(registry.get("a").namespace).toBe("changed");
    expect(registry.get("b")).toBe(b);
    registry.add("b", { cache: "memory", ttl: 5 });
    expect(closeB).toHaveBeenCalledOnce();
    expect(registry.get("b").ttl).toBe(5);
    expect(() => registry.add("c", { cache: "nope" })).toThrow(ConfigError);
  });

  it("closeAll closes every instance get() built", async () => {
    const registry = new CacheRegistry({ a: { cache: "memory" }, b: { cache: "memory" } });
    const spies = [registry.get("a"), registry.get("b")].map((c) => vi.spyOn(c, "close"));
    await registry.closeAll();
    for (const spy of spies) expect(spy).toHaveBeenCalledOnce();
  });

  it("reads ${VAR} references when the cache is built, and names a bad variable", () => {
    const registry = new CacheRegistry({
      env: { cache: "memory", namespace: "${APP_NS:-fallback}", ttl: "${APP_TTL}", max_size: "${APP_MAX:-7}" },
    });
    vi.stubEnv("APP_TTL", "5m");
    expect(registry.create("env")).toMatchObject({ namespace: "fallback", ttl: 300, maxSize: 7 });
    vi.stubEnv("APP_NS", "prod");
    vi.stubEnv("APP_TTL", "1.5");
    expect(registry.create("env")).toMatchObject({ namespace: "prod", ttl: 1.5 });
    vi.stubEnv("APP_MAX", "lots");
    expect(() => registry.create("env")).toThrow(
      /env\.max_size: environment variable APP_MAX="lots" is not a non-negative integer/,
    );
    vi.stubEnv("APP_MAX", "3");
    delete process.env["APP_TTL"];
    expect(() => registry.create("env")).toThrow(
      /environment variable APP_TTL is not set; set it or write \$\{APP_TTL:-default\}/,
    );
  });

  it("passes memcached's item_size and generation_ttl to the cache", async () => {
    const registry = new CacheRegistry({
      mc: {
        cache: "memcached",
        port: 1,
        item_size: 4096,
        generation_ttl: "${GEN_TTL:-0.5}",
        serializer: { class: "string" },
      },
      bad: { cache: "memcached", item_size: 100 },
    });
    const cache = registry.create("mc");
    // Refused before anything is sent: nothing listens on port 1.
    await expect(cache.set("big", "x".repeat(5000))).rejects.toThrow(/item size of 4096 bytes/);
    await cache.close();
    expect(() => registry.create("bad")).toThrow(/itemSize: 100 is not a size in bytes of at least 1024/);
    vi.stubEnv("GEN_TTL", "soon");
    expect(() => registry.create("mc")).toThrow(/mc\.generation_ttl: environment variable GEN_TTL="soon"/);
  });

  it("reads ${VAR} anywhere in an alias, typed by the schema like the generated file's reads", () => {
    class Custom extends Cache {
      constructor(readonly options: CacheOptions & Record<string, unknown>) {
        super(new MemoryStore(), new JsonSerializer(), options);
      }
    }
    vi.stubEnv("NODE_PORT", "7001");
    vi.stubEnv("REGION", "eu");
    const registry = new CacheRegistry(
      {
        clu: {
          cache: "redis",
          cluster: { nodes: [{ host: "${NODE_HOST:-127.0.0.1}", port: "${NODE_PORT}" }] },
          port: "${NODE_PORT}",
        },
        own: {
          cache: "./backends.ts#Custom",
          port: "${NODE_PORT}",
          where: { region: "${REGION}" },
          ttl: "${OWN_TTL:-2}",
        },
      },
      { modules: { "./backends.ts#Custom": Custom } },
    );
    expect(registry.create("clu")).toMatchObject({ endpoint: "127.0.0.1", port: 7001 });
    const own = registry.create("own") as Custom;
    // A user backend's own fields are not in the schema: text, as in generated code.
    expect(own.options).toMatchObject({ port: "7001", where: { region: "eu" }, ttl: 2 });
  });

  it("builds user modules for backends, serializers, plugins and key builders", async () => {
    class Shout extends BasePlugin {
      constructor(readonly options: Record<string, unknown>) {
        super();
      }
    }
    class Upper extends JsonSerializer {
      constructor(readonly options: Record<string, unknown>) {
        super();
      }
    }
    class Custom extends Cache {
      constructor(readonly options: CacheOptions & Record<string, unknown>) {
        super(new MemoryStore(), new JsonSerializer(), options);
      }
    }
    const registry = new CacheRegistry(
      {
        u: {
          cache: "./backends.ts#Custom",
          region: "eu",
          key_builder: "./keys.ts#build",
          serializer: { class: "./serializers.ts#Upper", level: 3 },
          plugins: [{ class: "./plugins.ts#Shout", loud: true }],
        },
      },
      {
        modules: {
          "./backends.ts#Custom": Custom,
          "./keys.ts#build": (key: string, ns: string) => `${ns}!${key}`,
          "./serializers.ts#Upper": Upper,
          "./plugins.ts#Shout": Shout,
        },
      },
    );
    const cache = registry.get("u") as Custom;
    expect(cache).toBeInstanceOf(Custom);
    expect(cache.options["region"]).toBe("eu");
    expect(cache.buildKey("k", "ns")).toBe("ns!k");
    expect((cache.serializer as Upper).options).toEqual({ level: 3 });
    expect((cache.plugins[0] as Shout).options).toEqual({ loud: true });
    await cache.set("k", { ok: true });
    expect(await cache.get("k")).toEqual({ ok: true });
  });

  it("a module the registry was not given is a ConfigError that says how to pass it", () => {
    const registry = new CacheRegistry({ u: { cache: "memory", serializer: { class: "./s.ts#S" } } });
    expect(() => registry.get("u")).toThrow(
      /u\.serializer\.class: module "\.\/s\.ts#S" is not loaded.*new CacheRegistry\(config, \{ modules:/,
    );
  });

  it("CACHEGEN_DISABLE applies to caches built from a config", async () => {
    vi.stubEnv("CACHEGEN_DISABLE", "1");
    const cache = new CacheRegistry(SEED).create("default");
    await cache.set("k", "v");
    expect(await cache.get("k")).toBeUndefined();
  });

  it("takes any alias name, __proto__ and Object.prototype's names included", async () => {
    const names = ["__proto__", "constructor", "toString", "hasOwnProperty"];
    const registry = new CacheRegistry<Record<string, Cache>>(
      JSON.parse(
        JSON.stringify(Object.fromEntries(names.map((name) => [name, { cache: "memory", namespace: name }]))),
      ) as Record<string, AliasConfig>,
    );
    for (const name of names) {
      expect(registry.get(name).namespace).toBe(name);
      expect(registry.getAliasConfig(name)).toEqual({ cache: "memory", namespace: name });
    }
    expect(Object.keys(registry.getConfig())).toEqual(names);
    registry.add("__proto__", { cache: "memory", ttl: 1 });
    expect(registry.get("__proto__").ttl).toBe(1);
    expect(Object.keys(registry.getConfig())).toEqual(names);
    expect(() => registry.get("valueOf")).toThrow(UnknownAliasError);
  });

  it("the exported dynamic registry starts empty and takes setConfig", () => {
    expect(caches.getConfig()).toEqual({});
    caches.setConfig(SEED);
    expect(caches.get("default")).toBeInstanceOf(MemoryCache);
    caches.setConfig({});
  });
});

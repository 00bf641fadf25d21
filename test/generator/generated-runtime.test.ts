import { afterAll, describe, expect, it } from "vitest";
import {
  HitMissRatioPlugin,
  JsonSerializer,
  MemcachedCache,
  MemoryCache,
  MsgPackSerializer,
  RedisCache,
  StringSerializer,
  TimingPlugin,
  V8Serializer,
  UnknownAliasError,
  ValueValidationError,
} from "cachegen";
import { caches } from "../../fixtures/seed/caches.js";

afterAll(() => caches.closeAll());

describe("the generated seed module at run time", () => {
  it("get() builds the alias once and returns the same instance", async () => {
    const cache = caches.get("default");
    expect(cache).toBe(caches.get("default"));
    expect(cache).toBeInstanceOf(MemoryCache);
    expect(cache.serializer).toBeInstanceOf(StringSerializer);
    await cache.set("greeting", "hello");
    expect(await cache.get("greeting")).toBe("hello");
  });

  it("create() gives a fresh instance with the configured properties (aiocache's test)", async () => {
    const cache = caches.create("redis_alt");
    expect(cache).not.toBe(caches.create("redis_alt"));
    expect(cache).toBeInstanceOf(RedisCache);
    expect(cache.serializer).toBeInstanceOf(V8Serializer);
    expect(cache.plugins.length).toBe(2);
    expect(cache.plugins[0]).toBeInstanceOf(HitMissRatioPlugin);
    expect(cache.plugins[1]).toBeInstanceOf(TimingPlugin);
    expect([cache.endpoint, cache.port, cache.timeout, cache.namespace, cache.ttl]).toEqual([
      "127.0.0.1",
      6379,
      1,
      "",
      null,
    ]);
    expect(caches.create("redis_alt", { namespace: "test" }).namespace).toBe("test");
    await cache.close();
  });

  it("exposes the config as written and the fingerprint from the banner", async () => {
    expect(caches.getAliasConfig("redis_alt").port).toBe(6379);
    expect(Object.keys(caches.getConfig())).toEqual(["default", "redis_alt"]);
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(new URL("../../fixtures/seed/caches.ts", import.meta.url), "utf8");
    expect(text).toContain(`// config-sha256: ${caches.fingerprint}`);
  });
});

describe("other generated modules at run time", () => {
  it("reads env references when the module loads, converted for their field", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { REDIS_PORT: "6380", REDIS_PASSWORD: "from-env", REDIS_TLS: "true", APP_NAME: "shop" });
    delete process.env["REDIS_HOST"];
    try {
      const { caches: env } = await import("../../fixtures/env/caches.js");
      const primary = env.getAliasConfig("primary");
      expect([primary.endpoint, primary.port, primary.password, primary.db, primary.ttl, primary.tls]).toEqual([
        "127.0.0.1",
        6380,
        "from-env",
        0,
        "5m",
        true,
      ]);
      expect(env.get("local").namespace).toBe("shop");
      expect(env.get("local").maxSize).toBe(1000);
    } finally {
      process.env = saved;
    }
  });

  it("runs precompiled validators: a value against the schema is a ValueValidationError", async () => {
    const { caches: schemaRef } = await import("../../fixtures/schema-ref/caches.js");
    const counters = schemaRef.get("counters");
    expect(counters.serializer).toBeInstanceOf(JsonSerializer);
    await counters.set("ok", { hits: 3, label: "x" });
    await expect(counters.set("bad", { hits: -1 })).rejects.toBeInstanceOf(ValueValidationError);
    await expect(counters.set("bad", { hits: 1, label: "" })).rejects.toThrow(/label/);
    // `validate: set`: what is already stored is not re-checked on read.
    expect(await counters.get("ok")).toEqual({ hits: 3, label: "x" });
  });

  it("builds every backend of the backends fixture (without connecting)", async () => {
    const { caches: backends } = await import("../../fixtures/backends/caches.js");
    const built = (
      ["local", "redis_url", "redis_cluster", "redis_sentinel", "memcached_pool", "memcached_one"] as const
    ).map((alias) => {
      const cache = backends.create(alias);
      return [alias, cache.constructor.name, cache.serializer.constructor.name, cache.namespace, cache.ttl] as const;
    });
    expect(built).toEqual([
      ["local", "MemoryCache", "NullSerializer", "", 60],
      ["redis_url", "RedisCache", "JsonSerializer", "", null],
      ["redis_cluster", "RedisCache", "JsonSerializer", "orders", null],
      ["redis_sentinel", "RedisCache", "JsonSerializer", "", null],
      ["memcached_pool", "MemcachedCache", "MsgPackSerializer", "", null],
      ["memcached_one", "MemcachedCache", "JsonSerializer", "m:", 3600],
    ]);
    const one = backends.create("memcached_one");
    expect(one).toBeInstanceOf(MemcachedCache);
    expect(backends.create("memcached_pool").serializer).toBeInstanceOf(MsgPackSerializer);
    expect(backends.get("with space")).toBe(backends.get("with space"));
  });

  it("wires user serializers, plugins, key builders and backends from their modules", async () => {
    const { caches: user } = await import("../../fixtures/user-module/caches.js");
    const { CountingCache } = await import("../../fixtures/user-module/backend.js");
    const events = user.get("events");
    const when = new Date("2024-05-01T10:00:00Z");
    await events.set("e1", when);
    expect(await events.get("e1")).toEqual(when);
    expect(events.plugins[0].written).toEqual(["|e1"]);
    expect(events.buildKey("e1", "ns")).toBe("ns|e1");
    const counted = user.create("counted");
    expect(counted).toBeInstanceOf(CountingCache);
    expect(counted.namespace).toBe("c:");
  });
});

describe("the generated registry's wrappers at run time", () => {
  it("cache through the registry's own alias, and check the alias when wrapping", async () => {
    let calls = 0;
    const hello = caches.cached(
      async function hello(name: string) {
        calls++;
        return `hello ${name}`;
      },
      { alias: "default" },
    );
    expect([await hello("ada"), await hello("ada"), calls]).toEqual(["hello ada", "hello ada", 1]);
    expect(await caches.get("default").get('hello("ada")')).toBe("hello ada");
    expect(() => caches.cached(hello, { alias: "nowhere" as "default" })).toThrow(UnknownAliasError);
  });

  it("decorate methods, single and batch", async () => {
    class Greeter {
      calls = 0;

      @caches.cachedStampede({ alias: "default", lease: 1 })
      async greet(name: string): Promise<string> {
        this.calls++;
        return `hi ${name}`;
      }

      @caches.multiCached({ alias: "default", keyBuilder: (name) => `many:${String(name)}` })
      async greetMany(names: string[]): Promise<Record<string, string>> {
        this.calls++;
        return Object.fromEntries(names.map((n) => [n, `hi ${n}`]));
      }
    }
    const greeter = new Greeter();
    await greeter.greet("bo");
    expect(await greeter.greet("bo")).toBe("hi bo");
    expect(await greeter.greetMany(["bo", "cy"])).toEqual({ bo: "hi bo", cy: "hi cy" });
    expect(await greeter.greetMany(["cy"])).toEqual({ cy: "hi cy" });
    expect(greeter.calls).toBe(2);
    expect(await caches.get("default").get("many:cy")).toBe("hi cy");
  });
});

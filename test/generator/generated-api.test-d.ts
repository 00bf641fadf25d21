import { describe, expectTypeOf, it } from "vitest";
import type {
  HitMissRatioPlugin,
  CheckedAlias,
  JsonValue,
  LoaderContext,
  MemcachedCache,
  MemoryCache,
  NoPlugins,
  RedisCache,
  TimingPlugin,
} from "../../runtime/index.js";
import { caches as backends } from "../../fixtures/backends/caches.js";
import { caches as env } from "../../fixtures/env/caches.js";
import { caches as production } from "../../fixtures/production/caches.js";
import { caches as schemaRef, type CacheValues as SchemaValues, type User } from "../../fixtures/schema-ref/caches.js";
import { caches, type CacheAlias, type CacheTypes, type CacheValues } from "../../fixtures/seed/caches.js";
import { caches as typeRef } from "../../fixtures/type-ref/caches.js";
import type { Session } from "../../fixtures/type-ref/models.js";
import { caches as userModule } from "../../fixtures/user-module/caches.js";
import type { AuditPlugin } from "../../fixtures/user-module/plugins.js";

describe("the generated API of the seed config", () => {
  it("types each alias's cache, values and config", () => {
    expectTypeOf<CacheAlias>().toEqualTypeOf<"default" | "redis_alt">();
    expectTypeOf<CacheValues>().toEqualTypeOf<{ default: string; redis_alt: unknown }>();
    expectTypeOf(caches.get("default")).toEqualTypeOf<MemoryCache<string, NoPlugins>>();
    expectTypeOf(caches.get("redis_alt")).toEqualTypeOf<
      RedisCache<unknown, readonly [HitMissRatioPlugin, TimingPlugin]>
    >();
    expectTypeOf(caches.create("redis_alt", { namespace: "test", port: 6380, timeout: 2 })).toEqualTypeOf(
      caches.get("redis_alt"),
    );
    expectTypeOf(caches.getAliasConfig("redis_alt").port).toEqualTypeOf<6379>();
    expectTypeOf(caches.getAliasConfig("default").cache).toEqualTypeOf<"aiocache.SimpleMemoryCache">();
    expectTypeOf(caches.getConfig().redis_alt.plugins[1].class).toEqualTypeOf<"aiocache.plugins.TimingPlugin">();
    expectTypeOf(caches.get("redis_alt").plugins[0].stats.hitRatio).toEqualTypeOf<number>();
    expectTypeOf(caches.get("default").get("k")).toEqualTypeOf<Promise<string | undefined>>();
    expectTypeOf(caches.fingerprint).toEqualTypeOf<string | undefined>();
  });

  it("rejects what the config does not allow", () => {
    // @ts-expect-error a misspelled alias is a compile error
    caches.get("defualt");
    // @ts-expect-error the same in getAliasConfig
    caches.getAliasConfig("redis");
    // @ts-expect-error and in create
    caches.create("redis", { namespace: "test" });
    // @ts-expect-error a number is not a string cache's value
    void caches.get("default").set("k", 42);
    // @ts-expect-error an alias without plugins has none to read stats from
    void caches.get("default").plugins[0]?.stats;
    expectTypeOf(caches.get("default").plugins).toExtend<readonly []>();
    // @ts-expect-error an unknown override key
    caches.create("default", { namespace: "test", colour: "red" });
    // @ts-expect-error a Redis option is not a memory cache's override
    caches.create("default", { port: 6379 });
    // @ts-expect-error serializer and plugins are fixed by the config
    caches.create("redis_alt", { plugins: [] });
  });

  it("compares a wrong alias with a sentence naming it and the nearest or known aliases", () => {
    expectTypeOf<CheckedAlias<"default", CacheTypes>>().toEqualTypeOf<"default">();
    expectTypeOf<CheckedAlias<"redis", CacheTypes>>().toEqualTypeOf<"redis_alt">();
    expectTypeOf<
      CheckedAlias<"defualt", CacheTypes>
    >().toEqualTypeOf<"Unknown cache alias 'defualt'. Did you mean 'default'?">();
    expectTypeOf<
      CheckedAlias<"Default", CacheTypes>
    >().toEqualTypeOf<"Unknown cache alias 'Default'. Did you mean 'default'?">();
    expectTypeOf<CheckedAlias<"zz", CacheTypes>>().toExtend<`Unknown cache alias 'zz'. Known aliases: ${string}`>();
    expectTypeOf<CheckedAlias<"zz", CacheTypes>>().toExtend<`${string}'default'${string}`>();
    expectTypeOf<CheckedAlias<"zz", CacheTypes>>().toExtend<`${string}'redis_alt'${string}`>();
  });
});

describe("value types from schemas, type references and user modules", () => {
  it("uses the schema's type, declared once for two aliases", () => {
    expectTypeOf<SchemaValues["users"]>().toEqualTypeOf<User>();
    expectTypeOf(schemaRef.get("admins")).toEqualTypeOf<MemoryCache<User, NoPlugins>>();
    expectTypeOf(schemaRef.get("users")).toEqualTypeOf<RedisCache<User, NoPlugins>>();
    expectTypeOf<User["role"]>().toEqualTypeOf<"admin" | "member" | undefined>();
    // @ts-expect-error a User needs an address
    void schemaRef.get("users").set("u1", { id: "1", name: "Ada" });
  });

  it("uses the referenced TypeScript type", () => {
    expectTypeOf(typeRef.get("sessions")).toEqualTypeOf<RedisCache<Session, NoPlugins>>();
    expectTypeOf(typeRef.get("users").get("u")).resolves.toEqualTypeOf<
      { id: string; name: string; tags: string[]; profile?: { bio: string; links: Record<string, string> } } | undefined
    >();
  });

  it("infers values from a user serializer and types user plugins", () => {
    expectTypeOf(userModule.get("events").get("e")).resolves.toEqualTypeOf<Date | undefined>();
    expectTypeOf(userModule.get("events").plugins).toEqualTypeOf<readonly [AuditPlugin, TimingPlugin]>();
    expectTypeOf(userModule.get("counted").plugins[0].written).toEqualTypeOf<string[]>();
    // @ts-expect-error a string is not a Date
    void userModule.get("events").set("e", "2024-01-01");
  });
});

describe("env references and backends", () => {
  it("types env-referenced fields by their base type, not a literal", () => {
    expectTypeOf(env.getAliasConfig("primary").port).toEqualTypeOf<number>();
    expectTypeOf(env.getAliasConfig("primary").password).toEqualTypeOf<string>();
    expectTypeOf(env.getAliasConfig("primary").tls).toEqualTypeOf<boolean>();
    expectTypeOf(env.getAliasConfig("local").namespace).toEqualTypeOf<string>();
    expectTypeOf(env.get("primary")).toEqualTypeOf<RedisCache<JsonValue, NoPlugins>>();
  });

  it("keys aliases whose names are not identifiers", () => {
    expectTypeOf(backends.get("with space")).toEqualTypeOf<MemoryCache<string, NoPlugins>>();
    expectTypeOf(backends.get("my-cache")).toEqualTypeOf<MemoryCache<unknown, NoPlugins>>();
    expectTypeOf(backends.get("memcached_one")).toEqualTypeOf<MemcachedCache<JsonValue, NoPlugins>>();
    expectTypeOf(backends.getAliasConfig("memcached_pool").servers).toEqualTypeOf<
      readonly ["10.0.0.5:11211", "10.0.0.6:11211"]
    >();
    expectTypeOf(backends.getAliasConfig("redis_cluster").cluster.nodes[0].port).toEqualTypeOf<7000>();
    expectTypeOf(backends.getAliasConfig("redis_cluster").cluster.nodes[1].port).toEqualTypeOf<number>();
  });
});

describe("issue 12's production features", () => {
  it("types the policies in the config, getOrSet's loader context and per-call overrides, and deleteByTag", () => {
    const users = production.get("users");
    expectTypeOf(users).toEqualTypeOf<RedisCache<JsonValue, NoPlugins>>();
    expectTypeOf(production.getAliasConfig("users").grace).toEqualTypeOf<"1h">();
    expectTypeOf(production.getAliasConfig("users").local.max_size).toEqualTypeOf<10000>();
    expectTypeOf(production.getAliasConfig("pages").bus).toEqualTypeOf<"users">();
    void users.getOrSet(
      "u:1",
      (context) => {
        expectTypeOf(context).toEqualTypeOf<LoaderContext<JsonValue>>();
        expectTypeOf(context.stale).toEqualTypeOf<JsonValue | undefined>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        context.ttl = "10s";
        context.tags = ["org:7"];
        return { id: 1 };
      },
      { grace: "10m", loaderSoftTimeout: 0, eagerRefresh: 0.5, circuitBreaker: false, tags: ["org:7"] },
    );
    expectTypeOf(production.get("pages").deleteByTag(["home"])).toEqualTypeOf<Promise<true>>();
    expectTypeOf(production.create("users", { circuitBreaker: 5, local: { maxSize: 10 } })).toEqualTypeOf(users);
    // @ts-expect-error eager refresh is a fraction, not a duration string
    void users.getOrSet("u:1", () => 1, { eagerRefresh: "80%" });
    // @ts-expect-error the loader's value must be the alias's value type
    void production.get("pages").getOrSet("p", () => 42);
  });
});

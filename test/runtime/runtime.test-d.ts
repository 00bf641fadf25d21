import { describe, expectTypeOf, it } from "vitest";
import {
  CacheRegistry,
  HitMissRatioPlugin,
  MemoryCache,
  StringSerializer,
  TimingPlugin,
  caches,
  type Cache,
  type CreateOverrides,
  type HookName,
  type Operation,
} from "../../runtime/index.js";

describe("runtime types", () => {
  it("infers the value type from the serializer", () => {
    const cache = new MemoryCache({ serializer: new StringSerializer(), plugins: [new TimingPlugin()] as const });
    expectTypeOf(cache).toEqualTypeOf<MemoryCache<string, readonly [TimingPlugin]>>();
  });

  it("get() is V | undefined, and V with a default", () => {
    const cache = new MemoryCache<string>();
    expectTypeOf(cache.get("k")).toEqualTypeOf<Promise<string | undefined>>();
    expectTypeOf(cache.get("k", { default: "x" })).toEqualTypeOf<Promise<string>>();
    expectTypeOf(cache.multiGet(["k"])).toEqualTypeOf<Promise<(string | undefined)[]>>();
    expectTypeOf(cache.getOrSet("k", () => "v")).toEqualTypeOf<Promise<string>>();
    // @ts-expect-error a number is not a string
    void cache.set("k", 42);
    // @ts-expect-error the loader must produce the value type
    void cache.getOrSet("k", () => 42);
  });

  it("plugins are a typed tuple", () => {
    const cache = new MemoryCache({ plugins: [new HitMissRatioPlugin(), new TimingPlugin()] as const });
    expectTypeOf(cache.plugins).toEqualTypeOf<readonly [HitMissRatioPlugin, TimingPlugin]>();
    expectTypeOf(cache.plugins[0].stats.hitRatio).toEqualTypeOf<number>();
    const bare = new MemoryCache<string, readonly []>();
    expectTypeOf(bare.plugins).toEqualTypeOf<readonly []>();
    // @ts-expect-error no plugin at index 0
    void bare.plugins[0].stats;
    const untyped = new MemoryCache<string>({ plugins: [new HitMissRatioPlugin()] });
    // @ts-expect-error an untyped plugin list may be empty, and BasePlugin has no stats
    void untyped.plugins[0].stats;
  });

  it("names one pre and one post hook per operation", () => {
    expectTypeOf<HookName>().toEqualTypeOf<`${"pre" | "post"}${Capitalize<Operation>}`>();
  });

  it("create() overrides are the backend's options, and unknown keys fail", () => {
    expectTypeOf<CreateOverrides<MemoryCache<string>>>().toHaveProperty("maxSize");
    expectTypeOf<CreateOverrides<MemoryCache<string>>>().not.toHaveProperty("serializer");
    const registry = new CacheRegistry<{ local: MemoryCache<string> }>();
    expectTypeOf(registry.get("local")).toEqualTypeOf<MemoryCache<string>>();
    expectTypeOf(registry.create("local", { namespace: "test", ttl: 10, maxSize: 5 })).toEqualTypeOf<
      MemoryCache<string>
    >();
    // @ts-expect-error unknown override key
    registry.create("local", { nope: 1 });
    // @ts-expect-error unknown alias
    registry.get("locl");
  });

  it("the dynamic registry is untyped: any alias, unknown values", () => {
    expectTypeOf(caches.get("anything")).toEqualTypeOf<Cache>();
    expectTypeOf(caches.get("anything").get("k")).toEqualTypeOf<Promise<unknown>>();
  });
});

import { describe, expectTypeOf, it } from "vitest";
import {
  MemoryCache,
  OptimisticLock,
  RedLock,
  type AcquireOptions,
  type CasVersion,
  type VersionedValue,
} from "../../runtime/index.js";

describe("lock types", () => {
  it("OptimisticLock reads and writes the cache's value type", () => {
    const lock = new OptimisticLock(new MemoryCache<{ n: number }>(), "k");
    expectTypeOf(lock.read()).toEqualTypeOf<Promise<{ n: number } | undefined>>();
    expectTypeOf(lock.cas({ n: 1 })).toEqualTypeOf<Promise<true>>();
    // @ts-expect-error the cache stores { n: number }
    void lock.cas("x");
  });

  it("RedLock is AsyncDisposable and acquires with an optional wait", () => {
    const lock = new RedLock(new MemoryCache(), "k", "2s");
    expectTypeOf(lock[Symbol.asyncDispose]).toEqualTypeOf<() => Promise<void>>();
    expectTypeOf(lock.acquire).parameter(0).toEqualTypeOf<AcquireOptions | undefined>();
    expectTypeOf(lock.release()).toEqualTypeOf<Promise<boolean>>();
    // @ts-expect-error a lease is a duration
    void new RedLock(new MemoryCache(), "k", "2 seconds");
  });

  it("the compare-and-set primitives carry an opaque version", () => {
    const cache = new MemoryCache<number>();
    expectTypeOf(cache.getVersioned("k")).toEqualTypeOf<Promise<VersionedValue<number> | undefined>>();
    // @ts-expect-error a version comes from getVersioned, not from anywhere
    void cache.setIfVersion("k", 1, { value: 1, token: 1 });
    expectTypeOf(cache.setIfVersion).parameter(2).toEqualTypeOf<CasVersion | undefined>();
  });

  it("getOrSet takes a lease lock by the SPEC name or the neutral one", () => {
    const cache = new MemoryCache<string>();
    void cache.getOrSet("k", () => "v", { lock: "redis", lease: 1 });
    void cache.getOrSet("k", () => "v", { lock: "lease", lease: "500ms" });
    // @ts-expect-error no such lock kind
    void cache.getOrSet("k", () => "v", { lock: "memcached" });
  });
});

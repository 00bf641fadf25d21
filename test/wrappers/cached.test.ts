import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { cached, caches, CacheRegistry, MemoryCache, multiCached, UnknownAliasError } from "../../runtime/index.js";
import { numbersOnly } from "../helpers/validators.js";
import { expectTtlAfter, stopwatch } from "../helpers/timing.js";
import { controlledCache, counting, errorLog } from "./helpers.js";

describe("cached", () => {
  it("calls through on a miss, then answers from the cache", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (id: number) => ({ id }));
    const getUser = cached(fn, { cache });
    expect(await getUser(1)).toEqual({ id: 1 });
    expect(await getUser(1)).toEqual({ id: 1 });
    expect(await getUser(2)).toEqual({ id: 2 });
    expect(calls).toEqual([[1], [2]]);
  });

  it("keys by function name and stable-serialized arguments: key order does not matter", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (id: number, filter: { a: number; b: number }) => id + filter.a + filter.b);
    const search = cached(fn, { cache });
    expect(search.keyFor(1, { b: 2, a: 1 })).toBe('fn(1,{"a":1,"b":2})');
    await search(1, { a: 1, b: 2 });
    await search(1, { b: 2, a: 1 });
    expect(calls).toHaveLength(1);
    expect(await cache.raw("keys")).toEqual(['fn(1,{"a":1,"b":2})']);
  });

  it("keeps the function's name and its this", async () => {
    const cache = new MemoryCache();
    async function times(this: { factor: number }, n: number) {
      return n * this.factor;
    }
    const service = { factor: 3, times: cached(times, { cache }) };
    expect(service.times.name).toBe("times");
    expect(await service.times(2)).toBe(6);
  });

  it("caches null: a stored null is a hit", async () => {
    const { fn, calls } = counting(async () => null);
    const find = cached(fn, { cache: new MemoryCache() });
    expect(await find()).toBeNull();
    expect(await find()).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it("does not store undefined: it means a miss", async () => {
    const { fn, calls } = counting(async () => undefined);
    const find = cached(fn, { cache: new MemoryCache() });
    await find();
    await find();
    expect(calls).toHaveLength(2);
  });

  it("propagates the function's error and stores nothing", async () => {
    const cache = new MemoryCache();
    let fail = true;
    const load = cached(
      async function load() {
        if (fail) throw new RangeError("db down");
        return "ok";
      },
      { cache },
    );
    await expect(load()).rejects.toThrow(new RangeError("db down"));
    expect(await cache.raw("keys")).toEqual([]);
    fail = false;
    expect(await load()).toBe("ok");
  });

  it("reports a failed write to onError and still returns the result", async () => {
    const cache = new MemoryCache({ validator: numbersOnly });
    const log = errorLog();
    const label = cached(
      async function label(n: number) {
        return `#${n}`;
      },
      { cache, onError: log.onError },
    );
    expect(await label(1)).toBe("#1");
    expect(log.seen).toHaveLength(1);
    expect(log.seen[0]!.context).toEqual({ operation: "set", key: "label(1)" });
    expect(log.seen[0]!.error).toMatchObject({
      code: "E_VALUE_INVALID",
      message: expect.stringContaining("must be number"),
    });
  });

  it("never waits on a hung cache longer than its timeout, per read and per write", async () => {
    const { store, cache } = controlledCache({ timeout: 0.05 });
    store.hold = true;
    const log = errorLog();
    const compute = cached(
      async function compute() {
        return 42;
      },
      { cache, onError: log.onError },
    );
    // On a controlled clock: 50 ms for the read, then 50 ms for the write, exactly.
    vi.useFakeTimers();
    let result: number | undefined;
    try {
      void compute().then((value) => (result = value));
      await vi.advanceTimersByTimeAsync(99);
      expect(result).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    expect(result).toBe(42);
    expect(log.seen.map((s) => s.context.operation)).toEqual(["get", "set"]);
    for (const { error } of log.seen) {
      expect(error).toMatchObject({
        code: "E_TIMEOUT",
        message: expect.stringContaining("did not finish within 0.05s"),
      });
    }
    store.release();
  });

  it("does not wait for the write with waitForWrite: false", async () => {
    const { store, cache } = controlledCache();
    const compute = cached(
      async function compute() {
        return 42;
      },
      { cache, waitForWrite: false },
    );
    store.hold = true;
    const result = compute();
    // The read is held too; let it through, then the write stays pending while the call resolves.
    await sleep(5);
    store.release();
    expect(await result).toBe(42);
    expect(await store.store.get("compute()")).toBeUndefined();
    store.release();
    await sleep(5);
    expect(store.store.get("compute()")).toBe(42);
  });

  it("emits a process warning when no onError is given", async () => {
    const { store, cache } = controlledCache({ timeout: 0.01 });
    store.hold = true;
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      expect(
        await cached(
          async function answer() {
            return 1;
          },
          { cache },
        )(),
      ).toBe(1);
      await sleep(10);
    } finally {
      process.off("warning", listen);
      store.release();
    }
    expect(warnings.map((w) => [(w as Error & { code?: string }).code, w.message])).toEqual([
      [
        "CACHEGEN_WRAPPER_CACHE_ERROR",
        expect.stringMatching(/^cachegen wrapper: cache get failed, calling through: .*answer\(\)/),
      ],
      ["CACHEGEN_WRAPPER_CACHE_ERROR", expect.stringMatching(/^cachegen wrapper: cache set failed/)],
    ]);
  });

  it("fails the call when onError rethrows (opt-in strictness)", async () => {
    const { store, cache } = controlledCache({ timeout: 0.01 });
    store.hold = true;
    const strict = cached(
      async function strict() {
        return 1;
      },
      {
        cache,
        onError: (error) => {
          throw error;
        },
      },
    );
    await expect(strict()).rejects.toMatchObject({ code: "E_TIMEOUT" });
    store.release();
  });

  it("applies ttl and namespace to its entries", async () => {
    const cache = new MemoryCache({ namespace: "default:" });
    const load = cached(
      async function load() {
        return 1;
      },
      { cache, ttl: 30, namespace: "wrapped:" },
    );
    const elapsed = stopwatch();
    await load();
    expect(await cache.raw("keys")).toEqual(["wrapped:load()"]);
    expectTtlAfter(await cache.getTtl("load()", { namespace: "wrapped:" }), 30, elapsed());
  });

  it("uses a fixed key, or keyBuilder's key as is", async () => {
    const cache = new MemoryCache();
    const fixed = cached(async (n: number) => n, { cache, key: "the-one" });
    expect(await fixed(1)).toBe(1);
    expect(await fixed(2)).toBe(1);
    const built = cached(async (id: number, _verbose: boolean) => id, {
      cache,
      keyBuilder: (id: number) => `user:${id}`,
    });
    expect(built.keyFor(7, true)).toBe("user:7");
    await built(7, true);
    expect(await built(7, false)).toBe(7);
    expect(await cache.raw("keys")).toEqual(["the-one", "user:7"]);
  });

  it("leaves the first argument out of the key with noSelf", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (_db: { connection: number }, id: number) => id);
    const find = cached(fn, { cache, noSelf: true });
    await find({ connection: 1 }, 5);
    await find({ connection: 2 }, 5);
    expect(calls).toHaveLength(1);
    expect(find.keyFor({ connection: 3 }, 5)).toBe("fn(5)");
  });

  it("returns but does not store results that skipCache rejects", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (n: number) => ({ n, partial: n < 0 }));
    const load = cached(fn, { cache, skipCache: (result) => result.partial });
    expect(await load(-1)).toEqual({ n: -1, partial: true });
    await load(-1);
    await load(1);
    await load(1);
    expect(calls).toEqual([[-1], [-1], [1]]);
  });

  it("honours cacheRead / cacheWrite, as options and per call through .with()", async () => {
    const cache = new MemoryCache();
    let version = 0;
    const load = cached(
      async function load() {
        return ++version;
      },
      { cache },
    );
    expect(await load.with({ cacheWrite: false })()).toBe(1);
    expect(await cache.exists("load()")).toBe(false);
    expect(await load()).toBe(2);
    expect(await load.with({ cacheRead: false })()).toBe(3);
    expect(await load()).toBe(3);
    const writeOnly = cached(
      async function load() {
        return ++version;
      },
      { cache, cacheRead: false },
    );
    expect(await writeOnly()).toBe(4);
    expect(await load()).toBe(4);
  });

  it("invalidates and refreshes one call's entry", async () => {
    const cache = new MemoryCache();
    let version = 0;
    const load = cached(
      async function load(id: number) {
        return `${id}@${++version}`;
      },
      { cache },
    );
    expect(await load(1)).toBe("1@1");
    expect(await load.refresh(1)).toBe("1@2");
    expect(await load(1)).toBe("1@2");
    expect(await load.invalidate(1)).toBe(true);
    expect(await load.invalidate(1)).toBe(false);
    expect(await load(1)).toBe("1@3");
  });

  describe("by alias", () => {
    afterEach(() => caches.setConfig({}));

    it("resolves the alias through the dynamic caches registry on every call", async () => {
      caches.add("wrapper-test", { cache: "memory", namespace: "first:" });
      const load = cached(
        async function load() {
          return "v";
        },
        { alias: "wrapper-test" },
      );
      await load();
      expect(await caches.get("wrapper-test").raw("keys")).toEqual(["first:load()"]);
      caches.add("wrapper-test", { cache: "memory", namespace: "second:" });
      await load();
      expect(await caches.get("wrapper-test").raw("keys")).toEqual(["second:load()"]);
    });

    it("resolves the alias in a registry passed in", async () => {
      const registry = new CacheRegistry({ users: { cache: "memory" } });
      const load = cached(
        async function load() {
          return "v";
        },
        { alias: "users", registry },
      );
      await load();
      expect(await registry.get("users").get("load()")).toBe("v");
    });

    it("fails at wrap time on an alias the registry does not hold", () => {
      const load = async function load() {
        return "v";
      };
      expect(() => cached(load, { alias: "nowhere" })).toThrow(UnknownAliasError);
      const registry = new CacheRegistry({ users: { cache: "memory" } });
      expect(() => cached(load, { alias: "user", registry })).toThrow(/Unknown cache alias "user"/);
      expect(() => multiCached(async (keys: string[]) => ({ [keys[0]!]: 1 }), { alias: "nowhere" })).toThrow(
        UnknownAliasError,
      );
    });

    it("reports an alias removed after wrapping to onError and still calls through", async () => {
      const log = errorLog();
      caches.add("nowhere", { cache: "memory" });
      const load = cached(
        async function load() {
          return "v";
        },
        { alias: "nowhere", onError: log.onError },
      );
      caches.setConfig({});
      expect(await load()).toBe("v");
      expect(log.seen.map((s) => s.context.operation)).toEqual(["get", "set"]);
      expect(log.seen[0]!.error).toMatchObject({
        code: "E_UNKNOWN_ALIAS",
        message: expect.stringContaining('"nowhere"'),
      });
    });
  });

  it("refuses what it cannot key or cache, when wrapping", () => {
    expect(() => cached(async () => 1, { cache: new MemoryCache() })).toThrow(
      new TypeError("cached(): an anonymous function has no name to key its calls by; pass key or keyBuilder."),
    );
    // @ts-expect-error neither cache nor alias
    expect(() => cached(async function f() {}, {})).toThrow(
      new TypeError("Pass the wrapper a cache ({ cache }) or an alias ({ alias })."),
    );
  });

  it("rejects a call whose arguments have no stable key", async () => {
    const run = cached(
      async function run(_callback: () => void) {
        return 1;
      },
      { cache: new MemoryCache() },
    );
    await expect(run(() => undefined)).rejects.toThrow(/Cannot build a cache key from a function argument/);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CacheRegistry,
  CacheTimeoutError,
  ConfigError,
  MemoryCache,
  type LoaderContext,
  type MemoryCacheOptions,
} from "../../../runtime/index.js";

// getOrSet's fail-safe policies on the memory backend, on vitest's fake clock: time moves only
// when a test moves it, so every timeout and expiry below is exact.

const TTL = 10; // seconds

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A loader the test settles: each call is recorded, and resolves or rejects when told. */
function controlledLoader<V>() {
  const calls: { ctx: LoaderContext<V>; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  const loader = (ctx: LoaderContext<V>) =>
    new Promise<V>((resolve, reject) => {
      calls.push({ ctx, resolve, reject });
    });
  return { loader, calls };
}

function cache(options: MemoryCacheOptions<string> = {}) {
  return new MemoryCache<string>({ ttl: TTL, grace: 3600, ...options });
}

/** A cache holding "old" for `key`, already past its TTL (within grace). */
async function expired(options: MemoryCacheOptions<string> = {}) {
  const c = cache(options);
  await c.set("key", "old");
  await vi.advanceTimersByTimeAsync(TTL * 1000 + 1);
  expect(await c.get("key")).toBeUndefined();
  return c;
}

describe("grace", () => {
  it("serves the stale value when the loader fails, then waits grace_backoff before asking again", async () => {
    const c = await expired({ graceBackoff: 5 });
    const failing = vi.fn(() => Promise.reject(new Error("source down")));
    expect(await c.getOrSet("key", failing)).toBe("old");
    expect(failing).toHaveBeenCalledTimes(1);
    // Within the backoff the stale value answers without a loader call.
    const fresh = vi.fn(() => "new");
    await vi.advanceTimersByTimeAsync(4999);
    expect(await c.getOrSet("key", fresh)).toBe("old");
    expect(fresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2);
    expect(await c.getOrSet("key", fresh)).toBe("new");
    expect(fresh).toHaveBeenCalledTimes(1);
    expect(await c.get("key")).toBe("new");
  });

  it("without a stale value, the loader's error reaches the caller and nothing is stored", async () => {
    const c = cache();
    const error = new Error("source down");
    await expect(c.getOrSet("key", () => Promise.reject(error))).rejects.toBe(error);
    expect(await c.exists("key")).toBe(false);
  });

  it("ends grace after its duration: an entry older than ttl + grace is gone", async () => {
    const c = await expired({ grace: 60 });
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(c.getOrSet("key", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
  });

  it("is overridable per call: grace 0 turns the fallback off for that call", async () => {
    const c = await expired();
    await expect(c.getOrSet("key", () => Promise.reject(new Error("down")), { grace: 0 })).rejects.toThrow("down");
    expect(await c.getOrSet("key", () => Promise.reject(new Error("down")))).toBe("old");
  });
});

describe("loader timeouts", () => {
  it("soft timeout: answers with the stale value, the loader finishes in the background and stores once", async () => {
    const c = await expired({ loaderSoftTimeout: 0.1 });
    const { loader, calls } = controlledLoader<string>();
    const first = c.getOrSet("key", loader);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toBe("old");
    // A later caller joins the run still in flight instead of starting another.
    const second = c.getOrSet("key", loader);
    await vi.advanceTimersByTimeAsync(100);
    expect(await second).toBe("old");
    expect(calls).toHaveLength(1);
    calls[0]!.resolve("new");
    await vi.advanceTimersByTimeAsync(0);
    expect(await c.get("key")).toBe("new");
  });

  it("soft timeout 0: the stale value at once (stale-while-revalidate)", async () => {
    const c = await expired({ loaderSoftTimeout: 0 });
    const { loader, calls } = controlledLoader<string>();
    const answer = c.getOrSet("key", loader);
    await vi.advanceTimersByTimeAsync(0);
    expect(await answer).toBe("old");
    calls[0]!.resolve("new");
    await vi.advanceTimersByTimeAsync(0);
    expect(await c.get("key")).toBe("new");
  });

  it("hard timeout without a stale value: CacheTimeoutError, the loader's signal aborts, its result is still stored", async () => {
    const c = cache({ loaderHardTimeout: 0.5 });
    const { loader, calls } = controlledLoader<string>();
    const answer = c.getOrSet("key", loader);
    const settled = answer.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    const error = await settled;
    expect(error).toBeInstanceOf(CacheTimeoutError);
    expect(error).toMatchObject({ code: "E_TIMEOUT", operation: "loader", key: "key", timeoutSeconds: 0.5 });
    expect((error as Error).message).toBe(
      'Cache operation loader() on key "key" did not finish within 0.5s. The loader is still running and its result will be stored; raise "loader_hard_timeout" (per call: { loaderHardTimeout }), or set "grace" to answer with the stale value meanwhile.',
    );
    expect(calls[0]!.ctx.signal.aborted).toBe(true);
    calls[0]!.resolve("late");
    await vi.advanceTimersByTimeAsync(0);
    expect(await c.get("key")).toBe("late");
  });

  it("hard timeout with a stale value: the stale value, then grace_backoff", async () => {
    const c = await expired({ loaderHardTimeout: 0.5, graceBackoff: 30 });
    const { loader, calls } = controlledLoader<string>();
    const answer = c.getOrSet("key", loader);
    await vi.advanceTimersByTimeAsync(500);
    expect(await answer).toBe("old");
    expect(await c.getOrSet("key", () => "never")).toBe("old");
    expect(calls).toHaveLength(1);
  });

  it("a soft timeout at or above the hard one is a ConfigError naming the field", () => {
    let error: unknown;
    try {
      cache({ loaderSoftTimeout: 2, loaderHardTimeout: 1 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "E_CONFIG" });
    expect((error as Error).message).toContain(
      "loaderHardTimeout: 1000 ms is not above loaderSoftTimeout (2000 ms): the soft timeout answers with a stale value first, the hard one gives up later",
    );
  });
});

describe("eager refresh", () => {
  it("a hit past the fraction returns at once and refreshes once in the background, across callers", async () => {
    const c = cache({ eagerRefresh: 0.8 });
    await c.set("key", "v1");
    const { loader, calls } = controlledLoader<string>();
    await vi.advanceTimersByTimeAsync(7999);
    expect(await c.getOrSet("key", loader)).toBe("v1");
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    const answers = await Promise.all([1, 2, 3].map(() => c.getOrSet("key", loader)));
    expect(answers).toEqual(["v1", "v1", "v1"]);
    expect(calls).toHaveLength(1);
    calls[0]!.resolve("v2");
    await vi.advanceTimersByTimeAsync(0);
    expect(await c.get("key")).toBe("v2");
    expect(await c.getTtl("key")).toBeGreaterThan(TTL);
  });

  it("rejects a fraction outside (0, 1)", () => {
    expect(() => cache({ eagerRefresh: 1 })).toThrow(
      "eagerRefresh: 1 is not a fraction of the TTL strictly between 0 and 1 (e.g. 0.8)",
    );
  });
});

describe("ttl jitter", () => {
  it("spreads the expiries of keys written together over [ttl, ttl + jitter]", async () => {
    const c = new MemoryCache<number>({ ttl: 60, ttlJitter: 30 });
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    await c.multiSet(keys.map((k, i) => [k, i] as const));
    const ttls = await Promise.all(keys.map((k) => c.getTtl(k)));
    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThanOrEqual(60);
      expect(ttl).toBeLessThanOrEqual(90);
    }
    // 200 draws from 30 001 ms: almost all distinct, spread over most of the window.
    const distinct = new Set(ttls).size;
    expect(distinct).toBeGreaterThan(190);
    expect(Math.max(...(ttls as number[])) - Math.min(...(ttls as number[]))).toBeGreaterThan(20);
    await c.set("one", 1);
    expect(await c.getTtl("one")).toBeGreaterThanOrEqual(60);
  });
});

describe("loader context (adaptive caching)", () => {
  it("sets the result's TTL and tags, or declines caching it", async () => {
    const c = new MemoryCache<string>({ ttl: TTL, tags: true });
    expect(
      await c.getOrSet("short", (ctx) => {
        ctx.ttl = 2;
        ctx.tags = ["org:1"];
        return "v";
      }),
    ).toBe("v");
    expect(await c.getTtl("short")).toBe(2);
    await c.deleteByTag(["org:1"]);
    expect(await c.get("short")).toBeUndefined();
    expect(
      await c.getOrSet("flash", (ctx) => {
        ctx.skipCache();
        return "once";
      }),
    ).toBe("once");
    expect(await c.exists("flash")).toBe(false);
  });

  it("hands the loader the stale value", async () => {
    const c = await expired();
    let seen: string | undefined;
    await c.getOrSet("key", (ctx) => {
      seen = ctx.stale;
      return "new";
    });
    expect(seen).toBe("old");
  });
});

describe("tags on memory", () => {
  it("deleteByTag drops set, multiSet and getOrSet entries carrying any of the tags, and no others", async () => {
    const c = new MemoryCache<string>({ tags: true });
    await c.set("a", "A", { tags: ["red"] });
    await c.multiSet(
      [
        ["b", "B"],
        ["c", "C"],
      ],
      { tags: ["blue"] },
    );
    await c.getOrSet("d", () => "D", { tags: ["green", "red"] });
    await c.set("e", "E");
    await vi.advanceTimersByTimeAsync(1);
    await c.deleteByTag(["red", "blue"]);
    expect(await c.multiGet(["a", "b", "c", "d", "e"])).toEqual([undefined, undefined, undefined, undefined, "E"]);
    // Written after the invalidation: valid again.
    await vi.advanceTimersByTimeAsync(1);
    await c.set("a", "A2", { tags: ["red"] });
    expect(await c.get("a")).toBe("A2");
  });

  it("tags on a cache without tags: true are a TypeError naming the fix", async () => {
    const c = new MemoryCache<string>({ alias: "plain" });
    await expect(c.set("a", "A", { tags: ["x"] })).rejects.toThrow(
      new TypeError(
        'tags ["x"] need "tags": true on the cache (alias plain): tagged entries are stored in an envelope',
      ),
    );
    await expect(c.deleteByTag(["x"])).rejects.toBeInstanceOf(TypeError);
  });

  it("increment is refused on a cache that stores envelopes", async () => {
    const c = new MemoryCache<number>({ tags: true });
    await expect(c.increment("n")).rejects.toThrow(
      "increment needs the plain layout: this cache stores envelopes (grace, eager_refresh or tags); keep counters in an alias without them",
    );
  });
});

describe("config", () => {
  it("remote-only settings on a memory cache are a ConfigError", () => {
    expect(() => new MemoryCache({ local: { maxSize: 10 } })).toThrow(ConfigError);
    expect(() => new MemoryCache({ circuitBreaker: 5 })).toThrow(
      "circuitBreaker: circuitBreaker applies to remote stores (redis, memcached); this cache is in-process already",
    );
  });

  it("the registry checks grace_backoff, loader timeouts and a memcached alias's bus", () => {
    let error: unknown;
    try {
      new CacheRegistry({
        a: { cache: "memory", grace_backoff: 5 },
        b: { cache: "memory", grace: 60, loader_soft_timeout: "2s", loader_hard_timeout: "1s" },
        m: { cache: "memcached", local: { max_size: 10 }, bus: "a" },
        n: { cache: "memcached", bus: "nowhere" },
        r: { cache: "redis", local: { max_size: 10, ttl: "5s" }, bus: { group: "users" } },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      "a.grace_backoff: grace_backoff needs grace: it is how long a stale value is served after a failed refresh",
      "b.loader_hard_timeout: loader_hard_timeout must be above loader_soft_timeout: the soft timeout answers with a stale value first, the hard one gives up later",
      `m.bus: "a" is not a Redis alias; a memcached alias's bus names the Redis alias whose pub/sub it uses`,
      `n.bus: "nowhere" is no alias of this config; a memcached alias's bus names the Redis alias whose pub/sub it uses`,
    ]);
  });

  it("a memcached alias's bus naming an alias that is not an object is reported, not a crash", () => {
    let error: unknown;
    try {
      new CacheRegistry({ z: null, m: { cache: "memcached", bus: "z" } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.path)).toContain("m.bus");
  });
});

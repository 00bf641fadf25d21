import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BackendError,
  BasePlugin,
  Cache,
  CacheTimeoutError,
  ConfigError,
  JsonSerializer,
  MemoryCache,
  TimingPlugin,
  V8Serializer,
  ValueValidationError,
  type CacheOptions,
  type HookContext,
  type ValueValidator,
} from "../../runtime/index.js";
import { ControlledStore } from "../helpers/controlled-store.js";

const cacheOn = <V = unknown>(store: ControlledStore, options: CacheOptions<V> = {}) =>
  new Cache<V>(store, new JsonSerializer() as never, options);

describe("Cache pipeline", () => {
  describe("timeouts", () => {
    it("rejects with CacheTimeoutError within the timeout, and the late reply resolves nothing", async () => {
      const store = new ControlledStore();
      const cache = cacheOn(store, { timeout: "50ms" });
      await cache.set("k", "v");
      store.hold = true;
      // On a controlled clock: the deadline is exactly the timeout, whatever else the machine does.
      vi.useFakeTimers();
      let error: unknown;
      try {
        void cache.get("k").catch((e: unknown) => (error = e));
        await vi.advanceTimersByTimeAsync(49);
        expect(error).toBeUndefined();
        await vi.advanceTimersByTimeAsync(1);
      } finally {
        vi.useRealTimers();
      }
      expect(error).toBeInstanceOf(CacheTimeoutError);
      expect(error).toMatchObject({ code: "E_TIMEOUT", operation: "get", key: "k", timeoutSeconds: 0.05 });
      expect((error as Error).message).toMatch(
        /get\(\) on key "k" did not finish within 0\.05s.*raise the alias's "timeout"/,
      );
      const late = vi.fn();
      const pending = cache.get("k", { timeout: 0.02 }).then(late, () => "timed out");
      expect(await pending).toBe("timed out");
      store.release();
      await sleep(10);
      expect(late).not.toHaveBeenCalled();
    });

    it("takes a per-call timeout, and 0 or null disables it", async () => {
      const store = new ControlledStore();
      const cache = cacheOn(store, { timeout: 0 });
      expect(cache.timeout).toBeNull();
      store.hold = true;
      const waiting = cache.set("k", "v");
      await sleep(30);
      store.release();
      expect(await waiting).toBe(true);
      store.hold = true;
      await expect(cache.exists("k", { timeout: "10ms" })).rejects.toBeInstanceOf(CacheTimeoutError);
      store.release();
    });

    it("defaults to 5 seconds and reports timeout and ttl in seconds as configured", () => {
      expect(new MemoryCache().timeout).toBe(5);
      expect(new MemoryCache({ ttl: "5m", timeout: "250ms" })).toMatchObject({ ttl: 300, timeout: 0.25 });
      expect(new MemoryCache({ ttl: 1.5 }).ttl).toBe(1.5);
      expect(new MemoryCache().ttl).toBeNull();
    });
  });

  describe("plugins", () => {
    class Recorder extends BasePlugin {
      constructor(
        readonly name: string,
        readonly log: string[],
      ) {
        super();
      }
      override async preSet(context: HookContext) {
        await sleep(1);
        this.log.push(`${this.name}.preSet ${context.key}`);
      }
      override postSet(context: HookContext) {
        this.log.push(`${this.name}.postSet ${String(context.result)} ${typeof context.took}`);
      }
      override postMultiGet(context: HookContext) {
        this.log.push(`${this.name}.postMultiGet ${context.keys?.join(",")} ${JSON.stringify(context.result)}`);
      }
    }

    it("run pre and post hooks in list order with built keys, took and result", async () => {
      const log: string[] = [];
      const cache = new MemoryCache({ namespace: "ns:", plugins: [new Recorder("a", log), new Recorder("b", log)] });
      await cache.set("k", 1);
      await cache.multiGet(["k", "x"]);
      expect(log).toEqual([
        "a.preSet ns:k",
        "b.preSet ns:k",
        "a.postSet true number",
        "b.postSet true number",
        "a.postMultiGet ns:k,ns:x [1,null]",
        "b.postMultiGet ns:k,ns:x [1,null]",
      ]);
    });

    it("abort the operation when a pre hook throws: nothing reaches the backend", async () => {
      class Guard extends BasePlugin {
        override preSet(context: HookContext) {
          if (context.key === "forbidden") throw new Error("not allowed");
        }
      }
      const store = new ControlledStore();
      const cache = new Cache(store, new JsonSerializer(), { plugins: [new Guard()] });
      await expect(cache.set("forbidden", 1)).rejects.toThrow("not allowed");
      expect(store.calls).not.toContain("set");
      expect(await cache.exists("forbidden")).toBe(false);
    });

    it("time every operation in seconds", async () => {
      const timing = new TimingPlugin();
      const cache = new MemoryCache({ plugins: [timing] });
      await cache.set("k", 1);
      await cache.get("k");
      await cache.get("k");
      expect(timing.stats.getTotal).toBe(2);
      expect(timing.stats.setTotal).toBe(1);
      for (const field of ["getAvg", "getMin", "getMax"] as const) {
        expect(timing.stats[field]).toBeGreaterThanOrEqual(0);
        expect(timing.stats[field]).toBeLessThan(1);
      }
      expect(timing.stats.getMin!).toBeLessThanOrEqual(timing.stats.getMax!);
    });
  });

  describe("CACHEGEN_DISABLE", () => {
    afterEach(() => vi.unstubAllEnvs());

    it("turns every operation into a no-op with aiocache's fake returns", async () => {
      vi.stubEnv("CACHEGEN_DISABLE", "1");
      const store = new ControlledStore();
      const cache = cacheOn<number>(store);
      expect(await cache.set("k", 1)).toBe(true);
      expect(await cache.add("k", 1)).toBe(true);
      expect(await cache.multiSet([["k", 1]])).toBe(true);
      expect(await cache.get("k")).toBeUndefined();
      expect(await cache.get("k", { default: 7 })).toBe(7);
      expect(await cache.multiGet(["a", "b"])).toEqual([undefined, undefined]);
      expect(await cache.exists("k")).toBe(false);
      expect(await cache.delete("k")).toBe(0);
      expect(await cache.increment("k", 3)).toBe(3);
      expect(await cache.expire("k", 1)).toBe(true);
      expect(await cache.getTtl("k")).toBeUndefined();
      expect(await cache.clear()).toBe(true);
      expect(await cache.raw("get", "k")).toBeUndefined();
      let loads = 0;
      await cache.getOrSet("k", () => ++loads);
      await cache.getOrSet("k", () => ++loads);
      expect(loads).toBe(2);
      expect(store.calls).toEqual([]);
    });

    it("is read when the cache is built, and an explicit option wins", async () => {
      vi.stubEnv("CACHEGEN_DISABLE", "1");
      const enabled = new MemoryCache({ disabled: false });
      vi.stubEnv("CACHEGEN_DISABLE", "0");
      await enabled.set("k", 1);
      expect(await enabled.get("k")).toBe(1);
    });
  });

  describe("errors stay in the promise", () => {
    it("a throwing keyBuilder rejects instead of throwing synchronously", async () => {
      const cache = new MemoryCache({
        keyBuilder: () => {
          throw new Error("bad key");
        },
      });
      for (const result of [cache.get("k"), cache.multiSet([["k", 1]]), cache.getOrSet("k", () => 1)]) {
        expect(result).toBeInstanceOf(Promise);
        await expect(result).rejects.toThrow("bad key");
      }
    });

    it("an invalid per-call ttl rejects with ConfigError naming the duration format", async () => {
      const cache = new MemoryCache();
      await expect(cache.set("k", 1, { ttl: "5 minutes" as never })).rejects.toMatchObject({
        code: "E_CONFIG",
        message: expect.stringMatching(/"5 minutes" is not a duration.*"250ms"/),
      });
      await expect(cache.expire("k", -1)).rejects.toBeInstanceOf(ConfigError);
      expect(() => new MemoryCache({ ttl: "soon" as never })).toThrow(ConfigError);
    });

    it("increment rejects a non-integer delta", async () => {
      await expect(new MemoryCache().increment("k", 1.5)).rejects.toThrow(/delta must be an integer/);
    });
  });

  describe("value validation", () => {
    const isPositive = Object.assign((value: unknown) => typeof value === "number" && value > 0, {
      errors: [{ instancePath: "", message: "must be > 0" }],
    }) as ValueValidator;

    it("rejects a bad value on set with ValueValidationError and stores nothing", async () => {
      const cache = new MemoryCache<number>({ validator: isPositive, validate: "set" });
      const error = await cache.set("k", -1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValueValidationError);
      expect(error).toMatchObject({ code: "E_VALUE_INVALID", direction: "set" });
      expect((error as Error).message).toMatch(
        /set\(\) for key "k" does not match the alias's schema: \(root\) must be > 0/,
      );
      expect(await cache.exists("k")).toBe(false);
    });

    it("rejects a stored value that no longer matches on get, instead of a silent miss", async () => {
      const cache = new MemoryCache<number>({ validator: isPositive, validate: "get" });
      await cache.set("k", -1);
      await expect(cache.get("k")).rejects.toMatchObject({ code: "E_VALUE_INVALID", direction: "get" });
    });
  });

  describe("increment by compare-and-set", () => {
    it("gives up with BackendError after losing every race, naming the fix", async () => {
      const store = new ControlledStore();
      store.loseRaces = true;
      const cache = new Cache(store, new V8Serializer());
      const error = await cache.increment("n").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ code: "E_BACKEND", backend: "controlled" });
      expect((error as Error).message).toMatch(/lost 32 compare-and-set races.*json or string serializer/);
    });

    it("counts correctly when concurrent increments race on a store that answers later", async () => {
      const store = new ControlledStore();
      store.deferred = true;
      const cache = new Cache(store, new V8Serializer());
      const results = await Promise.all(Array.from({ length: 20 }, () => cache.increment("n")));
      expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await cache.get("n")).toBe(20);
      expect(store.calls.filter((c) => c === "setIfVersion").length).toBeGreaterThan(20);
    });
  });

  it("builds keys as ns + separator + key, or with the keyBuilder", () => {
    expect(new MemoryCache({ namespace: "app" }).buildKey("k")).toBe("appk");
    expect(cacheOn(new ControlledStore(), { namespace: "app" }).buildKey("k")).toBe("app:k");
    expect(cacheOn(new ControlledStore(), { namespace: "app" }).buildKey("k", "")).toBe("k");
    expect(new MemoryCache({ keyBuilder: (k, ns) => `${ns}/${k}`, namespace: "x" }).buildKey("k")).toBe("x/k");
  });
});

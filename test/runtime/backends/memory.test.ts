import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, JsonSerializer, MemoryCache, NullSerializer } from "../../../runtime/index.js";
import { MemoryStore } from "../../../runtime/backends/memory-store.js";
import { describeConformance } from "../../helpers/conformance.js";

describeConformance({
  name: "memory",
  create: (options) => new MemoryCache(options),
  createIsolated: (options) => new MemoryCache(options),
  ttlResolutionMs: 1,
});

describe("MemoryCache", () => {
  it("keeps storage per instance", async () => {
    const a = new MemoryCache<string>();
    const b = new MemoryCache<string>();
    await a.set("k", "a");
    expect(await b.get("k")).toBeUndefined();
  });

  it("stores by reference under the default null serializer", async () => {
    const cache = new MemoryCache<{ n: number }>();
    const value = { n: 1 };
    await cache.set("k", value);
    expect(await cache.get("k")).toBe(value);
    expect(cache.serializer).toBeInstanceOf(NullSerializer);
  });

  it("increments numbers under the null serializer and decimal text under json", async () => {
    const plain = new MemoryCache<number>();
    expect(await plain.increment("n", 2)).toBe(2);
    expect(await plain.get("n")).toBe(2);
    // aiocache's memory backend stores an int here, which its JSON get then fails on.
    const json = new MemoryCache({ serializer: new JsonSerializer() });
    await json.set("n", 40);
    expect(await json.increment("n", 2)).toBe(42);
    expect(await json.get("n")).toBe(42);
    expect(await json.raw("get", "n")).toBe("42");
  });

  it("evicts the least recently used entry beyond max_size; reads refresh recency", async () => {
    const cache = new MemoryCache<number>({ maxSize: 2 });
    await cache.set("a", 1);
    await cache.set("b", 2);
    await cache.get("a");
    await cache.set("c", 3);
    expect(await cache.multiGet(["a", "b", "c"])).toEqual([1, undefined, 3]);
    expect(await cache.raw("size")).toBe(2);
    const error = (() => {
      try {
        return new MemoryCache({ maxSize: 0 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/maxSize: 0 is not a positive integer/),
    });
  });

  it("keeps exact LRU order through reads, overwrites, deletes and re-adds", async () => {
    const cache = new MemoryCache<number>({ maxSize: 3 });
    await cache.multiSet([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    await cache.get("a"); // order, oldest first: b c a
    await cache.set("b", 20); // c a b
    await cache.delete("a"); // c b
    await cache.set("d", 4); // c b d
    await cache.set("e", 5); // b d e: c goes
    expect(await cache.raw("keys")).toEqual(["b", "d", "e"]);
    await cache.exists("b"); // d e b
    await cache.set("f", 6); // e b f: d goes
    expect(await cache.multiGet(["b", "c", "d", "e", "f"])).toEqual([20, undefined, undefined, 5, 6]);
  });

  it("holds many entries and grows past its first slots without losing one", async () => {
    const cache = new MemoryCache<number>();
    for (let i = 0; i < 100_000; i++) await cache.set(`k${i}`, i);
    expect(await cache.raw("size")).toBe(100_000);
    expect(await cache.multiGet(["k0", "k65535", "k99999"])).toEqual([0, 65535, 99999]);
  });

  it("drops an evicted or deleted entry from the expiry index at once, not at the next sweep", async () => {
    const store = new MemoryStore({ maxSize: 10 });
    for (let i = 0; i < 10_000; i++) store.set(`k${i}`, i, 3_600_000);
    expect(store.expiring).toBe(10);
    store.delete("k9999");
    store.set("k9998", 1, null);
    expect(store.expiring).toBe(8);
    store.clear("");
    expect(store.expiring).toBe(0);
    await store.close();
  });

  it("reclaims expired keys in the background without a read", async () => {
    const cache = new MemoryCache<number>();
    await cache.multiSet(
      [
        ["a", 1],
        ["b", 2],
      ],
      { ttl: 0.05 },
    );
    await cache.set("c", 3);
    expect(await cache.raw("size")).toBe(3);
    await sleep(1200);
    expect(await cache.raw("size")).toBe(1);
  });

  it("leaves no stale expiry after clear(): a key set again without TTL stays", async () => {
    const cache = new MemoryCache<number>();
    await cache.set("k", 1, { ttl: 0.05 });
    await cache.clear();
    await cache.set("k", 2);
    await sleep(1200);
    expect(await cache.get("k")).toBe(2);
    expect(await cache.getTtl("k")).toBeNull();
  });

  it("clear() with a namespace removes only keys with that prefix", async () => {
    const cache = new MemoryCache<number>({ namespace: "users:" });
    await cache.set("a", 1);
    await cache.set("z", 9, { namespace: "" });
    await cache.clear();
    expect(await cache.raw("keys")).toEqual(["z"]);
  });

  it("lets a process with TTL keys exit on its own (the sweep timer is unref()'d)", async () => {
    const script = `
      import { MemoryCache } from ${JSON.stringify(new URL("../../../runtime/index.ts", import.meta.url).href)};
      const cache = new MemoryCache();
      await cache.set("k", 1, { ttl: 3600 });
      console.log("done");
    `;
    // A process kept alive by the sweep timer would never exit: it is killed after the timeout,
    // which rejects. A process that exits on its own resolves, however slowly it started.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      { timeout: 50_000 },
    );
    expect(stdout.trim()).toBe("done");
  });

  it("rejects an unknown raw command with the list of supported ones", async () => {
    await expect(new MemoryCache().raw("flushall")).rejects.toMatchObject({
      code: "E_BACKEND",
      message: expect.stringMatching(/get, set, has, delete, keys or size/),
    });
  });
});

import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { cachedStampede, MemoryCache } from "../../runtime/index.js";
import { memoryPeers } from "../helpers/memory-peers.js";
import { controlledCache, counting, errorLog } from "./helpers.js";

describe("cachedStampede", () => {
  it("runs the function once for concurrent callers across wrappers that share only the store", async () => {
    const [a, b] = memoryPeers();
    const { fn, calls } = counting(async (id: number) => {
      await sleep(100);
      return { id };
    });
    const viaA = cachedStampede(fn, { cache: a, lease: 60 });
    const viaB = cachedStampede(fn, { cache: b, lease: 60 });
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => viaA(1)),
      ...Array.from({ length: 10 }, () => viaB(1)),
    ]);
    expect(calls).toEqual([[1]]);
    expect(results).toEqual(Array.from({ length: 20 }, () => ({ id: 1 })));
    expect(await a.exists("fn(1)-lock")).toBe(false);
  });

  it("gives every concurrent caller the function's error, stores nothing, and frees the lock", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async () => {
      await sleep(20);
      throw new Error("db down");
    });
    const load = cachedStampede(fn, { cache });
    const results = await Promise.allSettled([load(), load(), load()]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(calls).toHaveLength(1);
    expect(await cache.raw("keys")).toEqual([]);
  });

  it("reports a store that cannot take the lock and still returns the result", async () => {
    const { store, cache } = controlledCache({ timeout: 0.02 });
    store.hold = true;
    const log = errorLog();
    const answer = cachedStampede(
      async function answer() {
        return 42;
      },
      { cache, onError: log.onError },
    );
    expect(await answer()).toBe(42);
    expect(log.seen.map((s) => s.context)).toEqual([
      { operation: "get", key: "answer()" },
      { operation: "lock", key: "answer()" },
      { operation: "get", key: "answer()" },
      { operation: "set", key: "answer()" },
    ]);
    store.release();
  });

  it("skips the lease on refresh: it loads by definition", async () => {
    const cache = new MemoryCache();
    let version = 0;
    const load = cachedStampede(
      async function load() {
        return ++version;
      },
      { cache },
    );
    expect(await load()).toBe(1);
    expect(await load.refresh()).toBe(2);
    expect(await load()).toBe(2);
  });

  it("refuses a lease that would never expire, when wrapping", () => {
    expect(() => cachedStampede(async function f() {}, { cache: new MemoryCache(), lease: 0 })).toThrow(
      new RangeError("lease must be a positive duration, got 0"),
    );
  });
});

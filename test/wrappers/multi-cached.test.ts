import { describe, expect, it } from "vitest";
import { MemoryCache, multiCached } from "../../runtime/index.js";
import { controlledCache, counting, errorLog } from "./helpers.js";

interface User {
  id: number;
  name: string;
}

const user = (id: number): User => ({ id, name: `u${id}` });

describe("multiCached", () => {
  it("passes only the missing keys, in their original form, and merges hits and fresh values in request order", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (ids: number[]) => new Map(ids.map((id) => [id, user(id)])));
    const getUsers = multiCached(fn, { cache, returns: "map" });
    await getUsers([2]);
    const result = await getUsers([3, 2, 1]);
    expect(calls).toEqual([[[2]], [[3, 1]]]);
    expect([...result.keys()]).toEqual([3, 2, 1]);
    expect(result.get(2)).toEqual(user(2));
    expect(await cache.raw("keys")).toEqual(["2", "3", "1"]);
  });

  it("stores only requested keys, and leaves out keys the function did not return", async () => {
    const cache = new MemoryCache();
    const getUsers = multiCached(
      async function getUsers(ids: number[]): Promise<Record<number, User>> {
        return Object.fromEntries([...ids.filter((id) => id !== 404), 99].map((id) => [id, user(id)]));
      },
      { cache },
    );
    expect(await getUsers([1, 404])).toEqual({ 1: user(1) });
    expect(await cache.raw("keys")).toEqual(["1"]);
  });

  it("returns the configured shape when every key is a hit and the function is not called", async () => {
    const cache = new MemoryCache();
    const { fn, calls } = counting(async (ids: string[]) =>
      Object.fromEntries(ids.map((id) => [id, id.toUpperCase()])),
    );
    const upper = multiCached(fn, { cache });
    await upper(["a", "b"]);
    expect(await upper(["b", "a"])).toEqual({ b: "B", a: "A" });
    expect(calls).toHaveLength(1);
    const explicit = multiCached(fn, { cache, returns: "record" });
    expect(await explicit(["a"])).toEqual({ a: "A" });
  });

  it("prefixes keyBuilder's keys with the namespace exactly once (aiocache #563)", async () => {
    const cache = new MemoryCache({ namespace: "ns:" });
    const { fn, calls } = counting(async (ids: number[]) => new Map(ids.map((id) => [id, user(id)])));
    const getUsers = multiCached(fn, { cache, returns: "map", keyBuilder: (id) => `user:${id}` });
    await getUsers([1, 2]);
    expect(await cache.raw("keys")).toEqual(["ns:user:1", "ns:user:2"]);
    expect(getUsers.keysFor([1, 2])).toEqual(["user:1", "user:2"]);
    await getUsers([1, 2]);
    expect(calls).toHaveLength(1);
    expect(await cache.get("user:1")).toEqual(user(1));
  });

  it("finds the keys at keysArg: a position, or a property of an options object", async () => {
    const cache = new MemoryCache();
    const byPosition = counting(async (_tenant: string, ids: number[]) => new Map(ids.map((id) => [id, id * 10])));
    const scaled = multiCached(byPosition.fn, {
      cache,
      returns: "map",
      keysArg: 1,
      keyBuilder: (id, tenant) => `${tenant}/${id}`,
    });
    expect(await scaled("t1", [1, 2])).toEqual(
      new Map([
        [1, 10],
        [2, 20],
      ]),
    );
    await scaled("t1", [2, 3]);
    expect(byPosition.calls).toEqual([
      ["t1", [1, 2]],
      ["t1", [3]],
    ]);

    const byName = counting(
      async (query: { ids: number[]; verbose: boolean }) => new Map(query.ids.map((id) => [id, user(id)])),
    );
    const find = multiCached(byName.fn, { cache, returns: "map", keysArg: "ids", keyBuilder: (id) => `user:${id}` });
    await find({ ids: [1], verbose: true });
    await find({ ids: [1, 2], verbose: true });
    expect(byName.calls).toEqual([[{ ids: [1], verbose: true }], [{ ids: [2], verbose: true }]]);
  });

  it("calls through with every key and reports the error when the cache fails", async () => {
    const { store, cache } = controlledCache({ timeout: 0.02 });
    store.hold = true;
    const log = errorLog();
    const { fn, calls } = counting(async (ids: number[]) => new Map(ids.map((id) => [id, id])));
    const same = multiCached(fn, { cache, returns: "map", onError: log.onError });
    expect(await same([1, 2])).toEqual(
      new Map([
        [1, 1],
        [2, 2],
      ]),
    );
    expect(calls).toEqual([[[1, 2]]]);
    expect(log.seen.map((s) => s.context)).toEqual([
      { operation: "multiGet", key: ["1", "2"] },
      { operation: "multiSet", key: ["1", "2"] },
    ]);
    expect(log.seen[0]!.error).toMatchObject({ code: "E_TIMEOUT" });
    store.release();
  });

  it("skips storing values skipCache rejects, and propagates the function's error storing nothing", async () => {
    const cache = new MemoryCache();
    const load = multiCached(
      async function load(ids: number[]) {
        if (ids.includes(13)) throw new Error("unlucky");
        return new Map(ids.map((id) => [id, id > 0 ? user(id) : null]));
      },
      { cache, returns: "map", skipCache: (value) => value === null },
    );
    expect(await load([-1, 1])).toEqual(
      new Map([
        [-1, null],
        [1, user(1)],
      ]),
    );
    expect(await cache.raw("keys")).toEqual(["1"]);
    await expect(load([2, 13])).rejects.toThrow("unlucky");
    expect(await cache.raw("keys")).toEqual(["1"]);
  });

  it("invalidates, refreshes and switches per call", async () => {
    const cache = new MemoryCache();
    let version = 0;
    const load = multiCached(
      async function load(keys: string[]) {
        version++;
        return Object.fromEntries(keys.map((key) => [key, `${key}@${version}`]));
      },
      { cache },
    );
    await load(["a", "b"]);
    expect(await load.refresh(["a"])).toEqual({ a: "a@2" });
    expect(await load(["a", "b"])).toEqual({ a: "a@2", b: "b@1" });
    expect(await load.invalidate(["a", "b", "c"])).toBe(2);
    expect(await load.with({ cacheWrite: false })(["a"])).toEqual({ a: "a@3" });
    expect(await cache.exists("a")).toBe(false);
  });

  it("refresh stores what it loads even where the wrapper does not write, as cached's does", async () => {
    const cache = new MemoryCache();
    const load = multiCached(
      async (keys: string[]) => Object.fromEntries(keys.map((key) => [key, key.toUpperCase()])),
      {
        cache,
        cacheWrite: false,
      },
    );
    await load(["a"]);
    expect(await cache.exists("a")).toBe(false);
    await load.refresh(["a"]);
    expect(await cache.get("a")).toBe("A");
    expect(await load.with({ cacheWrite: undefined })(["b"])).toEqual({ b: "B" });
    expect(await cache.exists("b")).toBe(false);
  });

  it("refuses a keys argument that is not a list, and a result that is not a map", async () => {
    const cache = new MemoryCache();
    const load = multiCached(
      async function load(_ids: number[]) {
        return {};
      },
      { cache, keysArg: 1 },
    );
    await expect(load([1])).rejects.toThrow(
      new TypeError("multiCached(): argument 1 must be a list of keys (set keysArg to where the keys are)."),
    );
    const broken = multiCached(
      async function broken(_ids: number[]) {
        return null as unknown as Record<number, number>;
      },
      { cache },
    );
    await expect(broken([1])).rejects.toThrow(
      new TypeError("multiCached(): the function must resolve to a Map or a record of the keys, got null."),
    );
  });
});

import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { cached, JsonSerializer, multiCached, type AnyCache, type CacheOptions } from "../../runtime/index.js";
import { freePort } from "../helpers/servers.js";
import { counting, errorLog } from "./helpers.js";

/** What the wrapper suite needs from a backend's test file. */
export interface WrapperTarget {
  readonly name: string;
  /** A cache on the shared test server. */
  create(options: CacheOptions): AnyCache;
  /** A cache pointed at `port` on loopback, where nothing listens, with the given timeout. */
  unreachable(port: number, timeout: number): AnyCache;
}

/** Registers the wrapper behaviours that depend on a real store (serialization, key layout, outages). */
export function describeWrappersOn(target: WrapperTarget): void {
  const json = () => target.create({ serializer: new JsonSerializer(), namespace: `w-${randomUUID().slice(0, 8)}` });

  describe(`${target.name}: wrappers`, () => {
    let deadPort = 0;
    beforeAll(async () => {
      deadPort = await freePort();
    });

    it("cached: stores through the serializer, hits on null, keys stably, invalidates", async () => {
      const cache = json();
      const { fn, calls } = counting(async (query: { id: number; deep: boolean }) =>
        query.id > 0 ? { ...query } : null,
      );
      const find = cached(fn, { cache });
      expect(await find({ id: 1, deep: true })).toEqual({ id: 1, deep: true });
      expect(await find({ deep: true, id: 1 })).toEqual({ id: 1, deep: true });
      expect(await find({ id: -1, deep: false })).toBeNull();
      expect(await find({ deep: false, id: -1 })).toBeNull();
      expect(calls).toHaveLength(2);
      expect(await cache.get('fn({"deep":true,"id":1})')).toEqual({ id: 1, deep: true });
      expect(await find.invalidate({ id: 1, deep: true })).toBe(true);
      await find({ id: 1, deep: true });
      expect(calls).toHaveLength(3);
    });

    it("multiCached: fetches only missing keys and prefixes keyBuilder's keys once (aiocache #563)", async () => {
      const cache = json();
      const { fn, calls } = counting(async (ids: number[]) => new Map(ids.map((id) => [id, { id }])));
      const getUsers = multiCached(fn, { cache, returns: "map", keyBuilder: (id) => `user:${id}` });
      await getUsers([1]);
      expect(await getUsers([1, 2])).toEqual(
        new Map([
          [1, { id: 1 }],
          [2, { id: 2 }],
        ]),
      );
      expect(calls).toEqual([[[1]], [[2]]]);
      // Stored where the cache itself puts "user:2", and not under a namespace applied twice.
      expect(await cache.get("user:2")).toEqual({ id: 2 });
      expect(await cache.get(cache.buildKey("user:2"))).toBeUndefined();
    });

    it("returns the function's result within the timeout when the server is unreachable, and reports why", async () => {
      const cache = target.unreachable(deadPort, 0.3);
      const log = errorLog();
      const load = cached(
        async function load() {
          return "fresh";
        },
        { cache, onError: log.onError },
      );
      // How long it waits at most is tested on a controlled clock (cached.test.ts); here, that an
      // unreachable server ends in the function's result and a report, whatever the machine's load.
      expect(await load()).toBe("fresh");
      expect(log.seen.map((s) => s.context.operation)).toEqual(["get", "set"]);
      for (const { error } of log.seen) expect(["E_BACKEND", "E_TIMEOUT"]).toContain((error as { code: string }).code);
      await cache.close();
    });
  });
}

import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { BackendError, RedisCache, type RedisCacheOptions } from "../../../runtime/index.js";
import { keySlot } from "../../../runtime/backends/redis-slot.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers } from "../../helpers/provided.js";
import { expectTtlAfter, stopwatch } from "../../helpers/timing.js";

const track = closeAfterAll();

describeWithServers("redis (cluster)", () => {
  const { nodes } = inject("redisCluster");
  const isolated = inject("redisClusterIsolated");
  const create = <V = unknown>(options: RedisCacheOptions<V> = {}) =>
    track(new RedisCache<V>({ cluster: { nodes }, namespace: `t-${randomUUID().slice(0, 8)}`, ...options }));
  /** Which master serves each key, from CLUSTER SLOTS. */
  const masterOf = async (cache: RedisCache, keys: readonly string[]) => {
    const ranges = (await cache.raw("cluster", "slots")) as [number, number, [string, number]][];
    return keys.map((key) => {
      const slot = keySlot(key);
      const range = ranges.find(([from, to]) => slot >= from && slot <= to)!;
      return range[2][1];
    });
  };

  describeConformance({
    name: "redis cluster",
    create: (options) => track(new RedisCache({ cluster: { nodes }, ...options })),
    createIsolated: (options) => track(new RedisCache({ cluster: isolated, ...options })),
    ttlResolutionMs: 1,
  });
  describeConformance({
    name: "redis cluster, hash-tagged namespaces",
    create: (options) => track(new RedisCache({ cluster: { nodes }, hashTag: true, ...options })),
    createIsolated: (options) => track(new RedisCache({ cluster: isolated, hashTag: true, ...options })),
    ttlResolutionMs: 1,
  });

  describe("cluster specifics", () => {
    it("computes the same slot as the server, hash tags included", async () => {
      const cache = create();
      const keys = ["", "a", "ключ-🔑", "user:{42}:name", "{}x", "{a}{b}", "a{b", "{{x}}", "x".repeat(300)];
      for (const key of keys) expect(keySlot(key), key).toBe(await cache.raw("cluster", "keyslot", key));
    });

    it("splits multi-key operations across slots and masters", async () => {
      const cache = create();
      const pairs = Array.from({ length: 60 }, (_, i) => [`k${i}`, i] as const);
      const masters = new Set(
        await masterOf(
          cache,
          pairs.map(([key]) => cache.buildKey(key)),
        ),
      );
      expect(masters.size).toBe(3);
      const elapsed = stopwatch();
      await cache.multiSet(pairs, { ttl: 100 });
      expect(await cache.multiGet(pairs.map(([key]) => key))).toEqual(pairs.map(([, value]) => value));
      expectTtlAfter(await cache.getTtl("k59"), 100, elapsed());
      await cache.clear();
      expect((await cache.multiGet(pairs.map(([key]) => key))).every((v) => v === undefined)).toBe(true);
    });

    it("with hash_tag keeps a namespace on one slot, stored as {namespace}:key", async () => {
      const cache = create({ hashTag: true });
      await cache.multiSet(
        [
          ["a", 1],
          ["b", 2],
        ],
        { ttl: 100 },
      );
      expect(cache.buildKey("a")).toBe(`{${cache.namespace}}:a`);
      expect(new Set(["a", "b", "zzz"].map((key) => keySlot(cache.buildKey(key)))).size).toBe(1);
      expect(await cache.raw("get", `{${cache.namespace}}:b`)).toBe("2");
      expect(await cache.raw("mget", cache.buildKey("a"), cache.buildKey("b"))).toEqual(["1", "2"]);
    });

    it("explains a cross-slot raw command and suggests hash_tag", async () => {
      const cache = create();
      const [a, b] = ["a", "c"].map((key) => cache.buildKey(key));
      expect(keySlot(a!)).not.toBe(keySlot(b!));
      const error = await cache.raw("mget", a, b).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/different cluster slots.*hash_tag/),
      });
    });

    it("exposes the first seed node as endpoint and port", () => {
      const cache = create();
      expect([cache.endpoint, cache.port, cache.db]).toEqual([nodes[0]!.host, nodes[0]!.port, 0]);
    });
  });
});

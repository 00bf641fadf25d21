import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  BackendError,
  InvalidKeyError,
  ConfigError,
  MemcachedCache,
  NullSerializer,
  StringSerializer,
  caches,
  type AnyCache,
  type MemcachedCacheOptions,
} from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance, MEMCACHED_EXPIRY } from "../../helpers/conformance.js";
import { describeWithServers } from "../../helpers/provided.js";
import { freePort, startMemcached, stopAll, type ServerProcess } from "../../helpers/servers.js";
import { expectTtlAfter, stopwatch, withinWindow } from "../../helpers/timing.js";

const track = closeAfterAll();
const ns = () => `t-${randomUUID().slice(0, 8)}:`;

/** The memcached key of a built key in the cache's namespace: it carries the namespace generation. */
const storedKey = async (cache: AnyCache, builtKey: string) => {
  const suffix = (await (cache as MemcachedCache).storedKey("probe")).slice(cache.buildKey("probe").length);
  return builtKey + suffix;
};

describeWithServers("memcached", () => {
  const { host, port } = inject("memcached");
  const isolated = inject("memcachedIsolated");
  const create = <V = unknown>(options: MemcachedCacheOptions<V> = {}) =>
    track(new MemcachedCache<V>({ endpoint: host, port, namespace: ns(), ...options }));

  describeConformance({
    name: "memcached",
    create: (options) => track(new MemcachedCache({ endpoint: host, port, ...options })),
    createIsolated: (options) =>
      track(new MemcachedCache({ endpoint: isolated.host, port: isolated.port, ...options })),
    ...MEMCACHED_EXPIRY,
    writeRaw: async (cache, key, value) => {
      await cache.raw("set", await storedKey(cache, key), value);
    },
    readRaw: async (cache, key) => {
      const stored = ((await cache.raw("get", key)) ?? (await cache.raw("get", await storedKey(cache, key)))) as
        Buffer | undefined;
      return stored?.toString();
    },
  });

  describe("keys and values are checked before anything is sent", () => {
    // Nothing listens on this port: reaching it would fail with "unreachable", not the check's error.
    let offline: MemcachedCache;
    beforeAll(async () => {
      offline = track(new MemcachedCache({ port: await freePort() }));
    });

    it.each([
      ["k".repeat(251), /is 251 bytes; memcached keys are 1 to 250 bytes.*key_builder that hashes long keys/],
      ["", /is 0 bytes/],
      ["has space", /contains whitespace or a control character.*base64url/],
      ["tab\there", /whitespace or a control/],
      ["line\r\nbreak", /whitespace or a control/],
      ["nul\u0000", /whitespace or a control/],
      ["bell\u0007", /whitespace or a control/],
      ["no-break\u00a0space", /whitespace or a control/],
    ])("refuses key %j", async (key, message) => {
      const ops = [offline.get(key), offline.set(key, 1), offline.delete(key), offline.increment(key)];
      for (const error of await Promise.all(ops.map((op) => op.catch((e: unknown) => e)))) {
        expect(error).toBeInstanceOf(InvalidKeyError);
        expect(error).not.toBeInstanceOf(BackendError);
        expect(error).toMatchObject({ code: "E_INVALID_KEY", message: expect.stringMatching(message) });
      }
    });

    it("counts the namespace generation suffix in a key's length", async () => {
      const cache = create({ namespace: "n:" });
      await expect(cache.set("k".repeat(238), 1)).resolves.toBe(true);
      const error = await cache.set("k".repeat(245), 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidKeyError);
      expect(error).toMatchObject({
        code: "E_INVALID_KEY",
        message: expect.stringMatching(/is 256 bytes \(with its 9-byte namespace generation suffix\)/),
      });
    });

    it("refuses a value over the item size, also in multiSet", async () => {
      const error = await offline.set("big", "x".repeat(2_000_000)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidKeyError);
      expect(error).toMatchObject({
        code: "E_INVALID_KEY",
        message: expect.stringMatching(
          /Value for memcached key "big" is 2000002 bytes; .* item size of 1048576 bytes.*-I/,
        ),
      });
      const small = track(
        new MemcachedCache({ port: offline.port, itemSize: 4096, serializer: new StringSerializer() }),
      );
      await expect(
        small.multiSet([
          ["a", "x"],
          ["b", "y".repeat(4096)],
        ]),
      ).rejects.toThrow(/item size of 4096 bytes/);
    });

    it("keeps the server's own limit as a backstop, and the connection stays usable", async () => {
      const cache = create({ itemSize: 4 * 1024 * 1024, serializer: new StringSerializer() });
      await expect(cache.set("big", "x".repeat(1_500_000))).rejects.toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/SERVER_ERROR object too large for cache/),
      });
      await cache.set("small", "ok");
      expect(await cache.get("small")).toBe("ok");
      const nearLimit = "y".repeat(1024 * 1024 - 200);
      await cache.set("near", nearLimit);
      expect(await cache.get("near")).toBe(nearLimit);
    });
  });

  describe("TTLs in whole seconds", () => {
    it("rounds up, and an entry lives at least its TTL whatever the phase of memcached's clock", async () => {
      const cache = create();
      await cache.set("k", 1, { ttl: 0.2 });
      expect(await cache.getTtl("k")).toBe(1);
      // Read late in its TTL, where an exptime without padding may already have expired it in
      // some phases of memcached's clock; present is certain only while the TTL has not run out.
      await withinWindow(1000, async (windowMs) => {
        const elapsed = stopwatch();
        await cache.set("late", 1, { ttl: windowMs / 1000 });
        await sleep(windowMs - 100);
        const value = await cache.get("late");
        if (elapsed() >= windowMs) return false;
        expect(value).toBe(1);
        return true;
      });
    });

    it("turns TTLs over 30 days into the absolute time memcached expects", async () => {
      const cache = create();
      await cache.set("k", 1, { ttl: "60d" });
      const left = (await cache.getTtl("k"))!;
      expect(Math.abs(left - 60 * 86_400)).toBeLessThan(5);
      expect(await cache.get("k")).toBe(1);
    });
  });

  describe("namespace generations", () => {
    it("stores namespaced keys with the generation, and clear() moves to a new one", async () => {
      const cache = create();
      await cache.set("k", 1);
      const before = await cache.storedKey("k");
      expect(before).toMatch(new RegExp(`^${cache.namespace}k#[0-9a-z]+$`));
      await cache.clear();
      expect(await cache.storedKey("k")).not.toBe(before);
      expect(await cache.raw("get", before)).toEqual(Buffer.from("1"));
      expect(await cache.get("k")).toBeUndefined();
    });

    it("another instance sees a clear within its generationTtl, or at once with 0", async () => {
      await withinWindow(300, async (windowMs) => {
        const namespace = ns();
        const writer = create({ namespace });
        const bounded = create({ namespace, generationTtl: windowMs / 1000 });
        const strict = create({ namespace, generationTtl: 0 });
        await writer.set("k", "v");
        // `bounded` reads the generation now and trusts it for windowMs.
        const elapsed = stopwatch();
        expect(await bounded.get("k")).toBe("v");
        expect(await strict.get("k")).toBe("v");
        await writer.clear();
        expect(await strict.get("k")).toBeUndefined();
        const stale = await bounded.get("k");
        if (elapsed() >= windowMs) return false;
        expect(stale).toBe("v");
        await sleep(windowMs + 50);
        expect(await bounded.get("k")).toBeUndefined();
        return true;
      });
    });

    it("an evicted generation counter acts as a clear: old entries never come back", async () => {
      const cache = create({ generationTtl: 0 });
      await cache.set("k", "old");
      expect(await cache.raw("delete", `cachegen:gen:${cache.namespace}`)).toBe(true);
      expect(await cache.get("k")).toBeUndefined();
      await cache.set("k", "new");
      expect(await cache.get("k")).toBe("new");
    });
  });

  describe("counters", () => {
    it("increments atomically with ma, and goes below zero through CAS (memcached decr stops at 0)", async () => {
      const cache = create<number>();
      const elapsed = stopwatch();
      await cache.set("n", 3, { ttl: 100 });
      expect(await cache.increment("n", -10)).toBe(-7);
      expect(await cache.increment("n", 5)).toBe(-2);
      expect(await cache.get("n")).toBe(-2);
      expectTtlAfter(await cache.getTtl("n"), 100, elapsed());
      expect(await cache.increment("fresh", -1)).toBe(-1);
    });

    it("loses no update under concurrent increments and decrements", async () => {
      const cache = create<number>();
      await Promise.all([
        ...Array.from({ length: 20 }, () => cache.increment("n", 1)),
        ...Array.from({ length: 10 }, () => cache.increment("n", -1)),
      ]);
      expect(await cache.get("n")).toBe(10);
    });
  });

  describe("client", () => {
    it("keeps replies matched to requests with thousands in flight", async () => {
      const cache = create<string>({ serializer: new StringSerializer() });
      const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((key, i) => cache.set(key, `value-${i}-${"z".repeat(i % 300)}`)));
      const values = await Promise.all(keys.map((key) => cache.get(key)));
      expect(values.every((value, i) => value === `value-${i}-${"z".repeat(i % 300)}`)).toBe(true);
    });

    it("answers raw version and stats per server, and lists the raw commands it knows", async () => {
      const cache = create();
      expect(await cache.raw("version")).toEqual({ [`${host}:${port}`]: expect.stringMatching(/^1\.6\./) });
      const stats = (await cache.raw("stats")) as Record<string, Record<string, string>>;
      expect(Number(stats[`${host}:${port}`]!["curr_connections"])).toBeGreaterThan(0);
      await expect(cache.raw("gets", "k")).rejects.toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/use get, set \(key, value, ttl seconds\), delete, flush_all, version or stats/),
      });
    });

    it("rejects invalid options with every problem listed, and the null serializer", () => {
      const error = (() => {
        try {
          new MemcachedCache({ servers: ["nohostport", "h:99999"], poolSize: 0, itemSize: 10 });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
        "servers[0]",
        "servers[1]",
        "poolSize",
        "itemSize",
      ]);
      expect(() => new MemcachedCache({ serializer: new NullSerializer() })).toThrow(/memcached stores bytes/);
    });

    it("is what the registry builds for memcached aliases", () => {
      caches.setConfig({ m: { cache: "aiocache.MemcachedCache", endpoint: host, port, timeout: 2, namespace: "m:" } });
      const cache = caches.create("m");
      expect(cache).toBeInstanceOf(MemcachedCache);
      expect(cache).toMatchObject({ endpoint: host, port, timeout: 2, namespace: "m:", servers: [`${host}:${port}`] });
    });
  });

  describe("several servers", () => {
    let servers: ServerProcess[];
    beforeAll(async () => {
      servers = await Promise.all([startMemcached(), startMemcached(), startMemcached()]);
    });
    afterAll(() => stopAll(servers));
    const addresses = () => servers.map((s) => `${s.host}:${s.port}`);

    it("spreads keys over every server by consistent hashing and reads them all back", async () => {
      const cache = track(new MemcachedCache<number>({ servers: addresses() }));
      expect(cache.servers).toEqual(addresses());
      const pairs = Array.from({ length: 300 }, (_, i) => [`spread-${i}`, i] as const);
      await cache.multiSet(pairs);
      expect(await cache.multiGet(pairs.map(([key]) => key))).toEqual(pairs.map(([, value]) => value));
      const stats = (await cache.raw("stats")) as Record<string, Record<string, string>>;
      const items = addresses().map((address) => Number(stats[address]!["curr_items"]));
      expect(items.reduce((a, b) => a + b)).toBe(300);
      for (const count of items) expect(count).toBeGreaterThan(50);
      await cache.clear();
      expect((await cache.multiGet(pairs.map(([key]) => key))).every((v) => v === undefined)).toBe(true);
    });

    it("opens pool_size connections per server and spreads requests over them", async () => {
      const [first] = addresses();
      const observer = track(new MemcachedCache({ servers: [first!] }));
      const opened = async () =>
        Number(((await observer.raw("stats")) as Record<string, Record<string, string>>)[first!]!["total_connections"]);
      const before = await opened();
      const pooled = track(new MemcachedCache({ servers: [first!], poolSize: 3 }));
      await Promise.all(Array.from({ length: 30 }, (_, i) => pooled.set(`p${i}`, i)));
      expect((await opened()) - before).toBe(3);
    });
  });
});

import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import {
  KEEP_TTL,
  HitMissRatioPlugin,
  JsonSerializer,
  KeyExistsError,
  MsgPackSerializer,
  NotAnIntegerError,
  SerializationError,
  StringSerializer,
  V8Serializer,
  type AnyCache,
  type Backend,
  type CacheOptions,
  type Serializer,
} from "../../runtime/index.js";
import { expectTtlAfter, stopwatch, withinWindow } from "./timing.js";

/** What the suite needs from a backend's test file. */
export interface ConformanceTarget {
  /** Suite title, e.g. `redis (cluster)`. */
  readonly name: string;
  /** A cache on the shared test store. Every test passes its own namespace, so tests never collide. */
  create(options: CacheOptions): AnyCache;
  /** A cache on a store no other test touches, for `clear()` without a namespace. */
  createIsolated(options: CacheOptions): AnyCache;
  /** The shortest TTL the backend honours, in ms (memcached counts whole seconds). */
  readonly ttlResolutionMs: number;
  /** How long past its TTL an entry may still be read (memcached: round-up, clock slack and lag). @default ttlResolutionMs */
  readonly expiryLagMs?: number;
  /** Writes bytes or text at a built key, bypassing the serializer. Default: `raw("set", key, value)`. */
  writeRaw?(cache: AnyCache, key: string, value: string | Uint8Array): Promise<void>;
  /** Reads what is stored at a built key as text. Default: `raw("get", key)`. */
  readRaw?(cache: AnyCache, key: string): Promise<string | undefined>;
}

/**
 * Memcached counts whole seconds on a clock that ticks once a second and may lag one; cachegen adds
 * 2 s of slack so nothing expires early, so an entry may outlive its TTL by up to about 3 s.
 */
export const MEMCACHED_EXPIRY = { ttlResolutionMs: 1000, expiryLagMs: 3000 } as const;

/** A backend's TTL granularity and expiry lag: what waiting out an expiry depends on. */
export type ExpiryTiming = Pick<ConformanceTarget, "ttlResolutionMs" | "expiryLagMs">;

/** Sleeps until something stored with a TTL of `ttlMs` has surely expired on the target's backend. */
export function sleepPastExpiry(target: ExpiryTiming, ttlMs: number): Promise<void> {
  return sleep(ttlMs + (target.expiryLagMs ?? target.ttlResolutionMs) + 150);
}

const text = (value: unknown) =>
  value === undefined || value === null
    ? undefined
    : value instanceof Uint8Array
      ? Buffer.from(value).toString()
      : typeof value === "string"
        ? value
        : JSON.stringify(value);

/** Registers the shared behaviour tests (SPEC §5) for one backend. */
export function describeConformance(target: ConformanceTarget): void {
  const namespace = () => `t-${randomUUID().slice(0, 8)}`;
  const json = (options: CacheOptions = {}) =>
    target.create({ serializer: new JsonSerializer(), namespace: namespace(), ...options });
  const writeRaw = (cache: AnyCache, key: string, value: string | Uint8Array) =>
    target.writeRaw ? target.writeRaw(cache, key, value) : cache.raw("set", key, value).then(() => undefined);
  const readRaw = async (cache: AnyCache, key: string) =>
    target.readRaw ? target.readRaw(cache, key) : text(await cache.raw("get", key));

  describe(`${target.name}: backend conformance`, () => {
    describe("get / set", () => {
      it("returns undefined on a miss, and the default when one is given", async () => {
        const cache = json();
        expect(await cache.get("missing")).toBeUndefined();
        expect(await cache.get("missing", { default: "fallback" })).toBe("fallback");
      });

      it.each([0, false, "", null])("returns a stored falsy value (%j) as is, not the default", async (value) => {
        const cache = json();
        expect(await cache.set("k", value)).toBe(true);
        expect(await cache.get("k", { default: "fallback" })).toBe(value);
        expect(await cache.exists("k")).toBe(true);
      });

      it("overwrites, and round-trips nested values and unicode keys", async () => {
        const cache = json();
        const value = { id: 1, tags: ["a", "ü"], nested: { ok: true, n: null } };
        await cache.set("ключ-🔑", "first");
        await cache.set("ключ-🔑", value);
        expect(await cache.get("ключ-🔑")).toEqual(value);
      });

      it("round-trips a 200 KB value", async () => {
        const cache = json();
        const big = "x".repeat(200_000);
        await cache.set("big", big);
        expect(await cache.get("big")).toBe(big);
      });

      it("refuses undefined and unencodable values without storing anything", async () => {
        const cache = json();
        await expect(cache.set("k", undefined)).rejects.toMatchObject({ code: "E_SERIALIZE" });
        await expect(cache.set("k", { n: 1n })).rejects.toBeInstanceOf(SerializationError);
        expect(await cache.exists("k")).toBe(false);
      });
    });

    describe("multiGet / multiSet", () => {
      it("returns values in key order with misses as undefined", async () => {
        const cache = json();
        expect(
          await cache.multiSet([
            ["a", 1],
            ["b", 0],
            ["c", "three"],
          ]),
        ).toBe(true);
        expect(await cache.multiGet(["c", "missing", "a", "b"])).toEqual(["three", undefined, 1, 0]);
        expect(await cache.multiGet([])).toEqual([]);
      });

      it("applies a TTL to every key it writes", async () => {
        const cache = json();
        const elapsed = stopwatch();
        await cache.multiSet(
          [
            ["a", 1],
            ["b", 2],
          ],
          { ttl: 100 },
        );
        for (const key of ["a", "b"]) expectTtlAfter(await cache.getTtl(key), 100, elapsed());
      });
    });

    describe("ttl", () => {
      it("uses the cache default when omitted, the call's value when given, and none for 0 or null", async () => {
        const cache = json({ ttl: 50 });
        const elapsed = stopwatch();
        await cache.set("default", 1);
        await cache.set("explicit", 1, { ttl: "2h" });
        await cache.set("zero", 1, { ttl: 0 });
        await cache.set("null", 1, { ttl: null });
        expectTtlAfter(await cache.getTtl("default"), 50, elapsed());
        expectTtlAfter(await cache.getTtl("explicit"), 7200, elapsed());
        expect(await cache.getTtl("zero")).toBeNull();
        expect(await cache.getTtl("null")).toBeNull();
        expect(await cache.getTtl("missing")).toBeUndefined();
      });

      it("expires keys: they read as missing and can be added again", async () => {
        await withinWindow(Math.max(150, target.ttlResolutionMs), async (windowMs) => {
          const cache = json();
          const ttl = windowMs / 1000;
          const elapsed = stopwatch();
          await cache.set("k", "v", { ttl });
          await cache.add("a", "v", { ttl });
          const before = await cache.get("k");
          // Present is certain only while the TTL has not run out since before set() was sent.
          if (elapsed() >= windowMs) return false;
          expect(before).toBe("v");
          await sleepPastExpiry(target, windowMs);
          expect(await cache.get("k")).toBeUndefined();
          expect(await cache.exists("a")).toBe(false);
          expect(await cache.add("a", "again")).toBe(true);
          return true;
        });
      });
    });

    describe("add", () => {
      it("stores when absent and rejects with KeyExistsError when present, keeping the old value", async () => {
        const cache = json();
        expect(await cache.add("k", "first")).toBe(true);
        const error = await cache.add("k", "second").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(KeyExistsError);
        expect(error).toMatchObject({ code: "E_KEY_EXISTS", key: cache.buildKey("k") });
        expect((error as Error).message).toMatch(/already exists.*set\(\)/);
        expect(await cache.get("k")).toBe("first");
      });
    });

    describe("delete / exists", () => {
      it("deletes with 1 and reports 0 for a missing key", async () => {
        const cache = json();
        await cache.set("k", "v");
        expect(await cache.exists("k")).toBe(true);
        expect(await cache.delete("k")).toBe(1);
        expect(await cache.delete("k")).toBe(0);
        expect(await cache.exists("k")).toBe(false);
      });
    });

    describe("increment", () => {
      const counters: [string, () => Serializer, unknown][] = [
        ["json", () => new JsonSerializer(), 7],
        ["string", () => new StringSerializer(), "7"],
        ["v8", () => new V8Serializer(), 7],
        ["msgpack", () => new MsgPackSerializer(), 7],
      ];
      it.each(counters)("creates, adds, subtracts, and get() still decodes under %s", async (_, serializer, seven) => {
        const cache = target.create({ serializer: serializer(), namespace: namespace() });
        expect(await cache.increment("n")).toBe(1);
        expect(await cache.increment("n", 10)).toBe(11);
        expect(await cache.increment("n", -4)).toBe(7);
        expect(await cache.get("n")).toEqual(seven);
      });

      it("rejects a non-integer value with NotAnIntegerError and leaves it unchanged", async () => {
        const cache = json();
        await cache.set("s", "abc");
        await cache.set("f", 1.5);
        for (const key of ["s", "f"]) {
          const error = await cache.increment(key).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(NotAnIntegerError);
          expect(error).toMatchObject({ code: "E_NOT_INTEGER" });
        }
        expect(await cache.get("s")).toBe("abc");
        expect(await cache.get("f")).toBe(1.5);
      });

      it("keeps the key's TTL", async () => {
        const cache = json();
        const elapsed = stopwatch();
        await cache.set("n", 1, { ttl: 100 });
        await cache.increment("n");
        expectTtlAfter(await cache.getTtl("n"), 100, elapsed());
      });
    });

    describe("expire / getTtl", () => {
      it("returns false for a missing key, sets a TTL, and 0 removes it", async () => {
        const cache = json();
        expect(await cache.expire("missing", 10)).toBe(false);
        await cache.set("k", "v");
        expect(await cache.getTtl("k")).toBeNull();
        const elapsed = stopwatch();
        expect(await cache.expire("k", 100)).toBe(true);
        expectTtlAfter(await cache.getTtl("k"), 100, elapsed());
        expect(await cache.expire("k", 0)).toBe(true);
        expect(await cache.getTtl("k")).toBeNull();
        expect(await cache.get("k")).toBe("v");
      });
    });

    describe("namespaces", () => {
      it("clear() removes its own namespace only", async () => {
        const cache = json();
        const other = namespace();
        await cache.multiSet([
          ["a", 1],
          ["b", 2],
        ]);
        await cache.set("a", "kept", { namespace: other });
        expect(await cache.clear()).toBe(true);
        expect(await cache.multiGet(["a", "b"])).toEqual([undefined, undefined]);
        expect(await cache.get("a", { namespace: other })).toBe("kept");
        await cache.clear({ namespace: other });
        expect(await cache.get("a", { namespace: other })).toBeUndefined();
      });

      it("clear() without a namespace empties the whole store", async () => {
        const root = target.createIsolated({ serializer: new JsonSerializer() });
        try {
          await root.set("a", 1);
          await root.set("b", 2, { namespace: "scoped" });
          expect(await root.clear()).toBe(true);
          expect(await root.get("a")).toBeUndefined();
          expect(await root.get("b", { namespace: "scoped" })).toBeUndefined();
        } finally {
          await root.close();
        }
      });

      it("a per-call namespace wins, and '' means no prefix", async () => {
        const cache = json();
        const other = namespace();
        await cache.set("k", "in-other", { namespace: other });
        expect(await cache.get("k")).toBeUndefined();
        expect(await cache.get("k", { namespace: other })).toBe("in-other");
        const bare = `bare-${randomUUID()}`;
        await cache.set(bare, "plain", { namespace: "" });
        expect(await readRaw(cache, bare)).toBe('"plain"');
        expect(await cache.delete(bare, { namespace: "" })).toBe(1);
      });

      it("a keyBuilder replaces the layout for every operation", async () => {
        const prefix = namespace();
        const cache = json({ keyBuilder: (key, ns) => `${prefix}|${ns}|${key.toUpperCase()}` });
        await cache.set("k", 1);
        expect(cache.buildKey("k")).toBe(`${prefix}|${cache.namespace}|K`);
        expect(await readRaw(cache, `${prefix}|${cache.namespace}|K`)).toBe("1");
        expect(await cache.multiGet(["k"])).toEqual([1]);
      });
    });

    describe("raw", () => {
      it("passes commands through without namespace or serializer", async () => {
        const cache = json();
        await cache.set("k", { a: 1 });
        expect(await readRaw(cache, cache.buildKey("k"))).toBe('{"a":1}');
        expect(await readRaw(cache, "k")).toBeUndefined();
      });
    });

    describe("serializers", () => {
      const when = new Date("2026-01-02T03:04:05.000Z");
      const cases: [string, () => Serializer, unknown][] = [
        ["string", () => new StringSerializer(), "plain ✓ text"],
        ["json", () => new JsonSerializer(), { list: [1, "two", null], nested: { yes: true } }],
        ["v8", () => new V8Serializer(), { map: new Map([["a", 1]]), set: new Set([1, 2]), when, big: 2n ** 70n }],
        ["msgpack", () => new MsgPackSerializer(), { when, bytes: new Uint8Array([1, 2, 3]), n: -1.5 }],
      ];
      it.each(cases)("%s round-trips its values", async (_, serializer, value) => {
        const cache = target.create({ serializer: serializer(), namespace: namespace() });
        await cache.set("k", value);
        await cache.multiSet([["m", value]]);
        expect(await cache.get("k")).toEqual(value);
        expect(await cache.multiGet(["m"])).toEqual([value]);
      });

      const corrupt: [string, () => Serializer, string | Uint8Array][] = [
        ["json", () => new JsonSerializer(), "{not json"],
        ["json", () => new JsonSerializer(), new Uint8Array([0xff, 0xfe, 0x00])],
        ["string", () => new StringSerializer(), new Uint8Array([0xc3, 0x28, 0xff])],
        ["v8", () => new V8Serializer(), "written by json"],
        ["v8", () => new V8Serializer(), new Uint8Array([0xff, 0x0f, 0x6f, 0x22])],
        ["msgpack", () => new MsgPackSerializer(), new Uint8Array([0x92, 0x01])],
        ["msgpack", () => new MsgPackSerializer(), new Uint8Array([0xc1])],
      ];
      it.each(corrupt)(
        "%s rejects foreign or truncated data (%j) with SerializationError",
        async (name, serializer, raw) => {
          const cache = target.create({ serializer: serializer(), namespace: namespace() });
          await writeRaw(cache, cache.buildKey("bad"), raw);
          const error = await cache.get("bad").catch((e: unknown) => e);
          expect(error).toBeInstanceOf(SerializationError);
          expect(error).toMatchObject({ code: "E_SERIALIZE", key: cache.buildKey("bad"), serializer: name });
          expect((error as Error).message).toContain(JSON.stringify(cache.buildKey("bad")));
          expect((error as Error).message).toContain(name);
          await expect(cache.multiGet(["bad"])).rejects.toBeInstanceOf(SerializationError);
          expect(await readRaw(cache, cache.buildKey("bad"))).toBeDefined();
        },
      );
    });

    describe("compare-and-set primitives (what locks build on)", () => {
      // Locks call the backend directly with encoded values; the pipeline does not expose these.
      const backendOf = (cache: AnyCache) => (cache as unknown as { backend: Backend }).backend;

      it("setIfVersion creates only when absent, then writes only over the version it read", async () => {
        const cache = json();
        const store = backendOf(cache);
        const [k, ns] = [cache.buildKey("k"), cache.namespace];
        expect(await store.getVersioned(k, ns)).toBeUndefined();
        expect(await store.setIfVersion(k, '"first"', undefined, null, ns)).toBe(true);
        expect(await store.setIfVersion(k, '"again"', undefined, null, ns)).toBe(false);
        const read = await store.getVersioned(k, ns);
        expect(text(read?.value)).toBe('"first"');
        await cache.set("k", "changed");
        expect(await store.setIfVersion(k, '"stale"', read, null, ns)).toBe(false);
        const fresh = await store.getVersioned(k, ns);
        const elapsed = stopwatch();
        expect(await store.setIfVersion(k, '"second"', fresh, 100_000, ns)).toBe(true);
        expect(await cache.get("k")).toBe("second");
        expectTtlAfter(await cache.getTtl("k"), 100, elapsed());
      });

      it("setIfVersion with KEEP_TTL keeps the expiry, with null removes it", async () => {
        const cache = json();
        const store = backendOf(cache);
        const [k, ns] = [cache.buildKey("k"), cache.namespace];
        const elapsed = stopwatch();
        await cache.set("k", 1, { ttl: 100 });
        expect(await store.setIfVersion(k, "2", await store.getVersioned(k, ns), KEEP_TTL, ns)).toBe(true);
        expectTtlAfter(await cache.getTtl("k"), 100, elapsed());
        expect(await store.setIfVersion(k, "3", await store.getVersioned(k, ns), null, ns)).toBe(true);
        expect(await cache.getTtl("k")).toBeNull();
        expect(await cache.get("k")).toBe(3);
      });

      it("deleteIfEquals deletes only while the key holds exactly that value", async () => {
        const cache = json();
        const store = backendOf(cache);
        const [k, ns] = [cache.buildKey("lock"), cache.namespace];
        await cache.set("lock", "owner-1");
        expect(await store.deleteIfEquals(k, '"owner-2"', ns)).toBe(false);
        expect(await cache.get("lock")).toBe("owner-1");
        expect(await store.deleteIfEquals(k, '"owner-1"', ns)).toBe(true);
        expect(await cache.exists("lock")).toBe(false);
        expect(await store.deleteIfEquals(k, '"owner-1"', ns)).toBe(false);
      });

      it("concurrent increments through compare-and-set lose no update", async () => {
        const cache = target.create({ serializer: new V8Serializer(), namespace: namespace() });
        await Promise.all(Array.from({ length: 20 }, () => cache.increment("n")));
        expect(await cache.get("n")).toBe(20);
      });
    });

    describe("getOrSet", () => {
      it("runs the loader once for concurrent callers and caches the result", async () => {
        const cache = json();
        let calls = 0;
        const loader = async () => {
          calls++;
          await sleep(30);
          return { loaded: calls };
        };
        const results = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet("k", loader)));
        expect(calls).toBe(1);
        expect(results.every((r) => JSON.stringify(r) === '{"loaded":1}')).toBe(true);
        expect(await cache.getOrSet("k", loader)).toEqual({ loaded: 1 });
        expect(calls).toBe(1);
      });

      it("shares a loader error with every waiter and caches nothing", async () => {
        const cache = json();
        let calls = 0;
        const failing = async () => {
          calls++;
          await sleep(10);
          throw new Error("db down");
        };
        const results = await Promise.allSettled([cache.getOrSet("k", failing), cache.getOrSet("k", failing)]);
        expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
        expect(calls).toBe(1);
        expect(await cache.exists("k")).toBe(false);
        expect(await cache.getOrSet("k", () => "recovered")).toBe("recovered");
      });

      it("caches null: a stored null is a hit", async () => {
        const cache = json();
        let calls = 0;
        const loader = () => {
          calls++;
          return null;
        };
        expect(await cache.getOrSet("k", loader)).toBeNull();
        expect(await cache.getOrSet("k", loader)).toBeNull();
        expect(calls).toBe(1);
      });
    });

    describe("plugins", () => {
      it("see every get and multiGet key", async () => {
        const ratio = new HitMissRatioPlugin();
        const cache = target.create({ serializer: new JsonSerializer(), namespace: namespace(), plugins: [ratio] });
        await cache.set("hit", 1);
        await cache.get("hit");
        await cache.get("miss");
        await cache.multiGet(["hit", "miss", "miss2"]);
        expect(ratio.stats).toEqual({ hits: 2, total: 5, hitRatio: 0.4 });
      });
    });

    describe("close", () => {
      it("is idempotent, and a closed cache reconnects on next use", async () => {
        const cache = json();
        await cache.set("k", "v");
        await cache.close();
        await cache.close();
        expect(await cache.get("k")).toBe("v");
        await cache.close();
      });

      it("still carries out what was issued before close()", async () => {
        const cache = json();
        const write = cache.multiSet([
          ["a", 1],
          ["b", 2],
        ]);
        const read = cache.get("missing");
        await cache.close();
        expect(await write).toBe(true);
        expect(await read).toBeUndefined();
        expect(await cache.multiGet(["a", "b"])).toEqual([1, 2]);
        await cache.close();
      });

      it("works with await using, and the disposed cache still reconnects", async () => {
        let disposed: AnyCache | undefined;
        {
          await using cache = json();
          await cache.set("k", "v");
          disposed = cache;
        }
        expect(await disposed.get("k")).toBe("v");
        await disposed.close();
      });
    });
  });
}

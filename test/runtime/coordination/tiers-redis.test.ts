import { randomUUID } from "node:crypto";
import { once, type EventEmitter } from "node:events";
import { afterAll, afterEach, describe, expect, inject, it, vi } from "vitest";
import {
  BackendError,
  CacheRegistry,
  InvalidKeyError,
  MemcachedCache,
  RedisCache,
  SerializationError,
  type AnyCache,
  type BusEvent,
  type RedisCacheOptions,
} from "../../../runtime/index.js";
import { recordChannel } from "../../helpers/channels.js";
import { MemoryHub } from "../../helpers/memory-bus.js";
import { describeWithServers } from "../../helpers/provided.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

// The tiers on real servers: stored layout, fail-safe with the store going away, the circuit
// breaker, two caches with a local tier and a bus (in this process; the two-process test is
// cross-process.test.ts), bus outages, tags on a cluster and on memcached. Tests wait on the
// caches' diagnostics events, never on time; the clock is faked (Date only) where entries must
// expire or a breaker's break must pass.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
afterEach(() => {
  vi.useRealTimers();
  expect(unhandled).toEqual([]);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

const ns = () => `t12-${randomUUID().slice(0, 8)}`;

describeWithServers("tiers on real servers", () => {
  const caches: AnyCache[] = [];
  const proxies: TcpProxy[] = [];
  afterEach(async () => {
    await Promise.all(caches.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
  });
  const track = <C extends AnyCache>(cache: C): C => {
    caches.push(cache);
    return cache;
  };
  const proxy = async () => {
    const started = await TcpProxy.start(inject("redis"));
    proxies.push(started);
    return started;
  };
  const bus = recordChannel("bus");
  const breaker = recordChannel("breaker");
  const layout = recordChannel("layoutMismatch");
  /** The next bus event of `alias` matching `what`, from `mark` on. */
  const busEvent = (alias: string, what: (e: BusEvent) => boolean, mark = 0) =>
    bus.next((e) => e.alias === alias && what(e), mark);
  const invalidated = (alias: string, key: string, mark: number) =>
    busEvent(
      alias,
      (e) => e.event === "message" && ((e.invalidation as { keys?: string[] }).keys ?? []).includes(key),
      mark,
    );

  describe("stored layout", () => {
    it("an alias without grace, eager refresh or tags stores the serializer's bytes as is (aiocache-readable)", async () => {
      const namespace = ns();
      const c = track(new RedisCache<{ a: number }>({ ...inject("redis"), namespace, local: { maxSize: 10 } }));
      await c.set("k", { a: 1 });
      expect(await c.raw("get", `${namespace}:k`)).toBe('{"a":1}');
    });

    it("an enveloped alias writes 0xC1 first, reads a plain value as a miss (reported), and a plain alias refuses an envelope", async () => {
      const namespace = ns();
      const options = { ...inject("redis"), namespace };
      const plain = track(new RedisCache<string>(options));
      const enveloped = track(new RedisCache<string>({ ...options, grace: 60, alias: "layout-env" }));
      await plain.set("old", "written before grace was set");
      const mark = layout.mark;
      expect(await enveloped.get("old")).toBeUndefined();
      expect(await layout.next((e) => e.alias === "layout-env", mark)).toEqual({
        alias: "layout-env",
        key: `${namespace}:old`,
      });
      await enveloped.set("new", "v");
      const client = enveloped.client as unknown as { getBuffer(key: string): Promise<Buffer> };
      const bytes = await client.getBuffer(`${namespace}:new`);
      expect(bytes[0]).toBe(0xc1);
      expect(bytes.subarray(-3).toString()).toBe('"v"');
      const error = await plain.get("new").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SerializationError);
      expect(error).toMatchObject({ code: "E_SERIALIZE" });
    });

    it("writes the entry's TTL plus grace to the store, plus jitter", async () => {
      const namespace = ns();
      const c = track(new RedisCache<number>({ ...inject("redis"), namespace, ttl: 60, grace: 600, ttlJitter: 30 }));
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      await c.multiSet(keys.map((k, i) => [k, i] as const));
      const ttls = (await Promise.all(keys.map((k) => c.raw("pttl", `${namespace}:${k}`)))) as number[];
      for (const ttl of ttls) {
        expect(ttl).toBeGreaterThan(655_000);
        expect(ttl).toBeLessThanOrEqual(690_000);
      }
      expect(new Set(ttls).size).toBeGreaterThan(45);
    });
  });

  describe("fail-safe", () => {
    it("Redis killed mid-load with grace: every getOrSet answers, stale or fresh, none throws", async () => {
      const store = await proxy();
      const c = track(
        new RedisCache<string>({
          endpoint: store.host,
          port: store.port,
          namespace: ns(),
          ttl: 60,
          grace: 3600,
          local: { maxSize: 100 },
          timeout: 1,
        }),
      );
      const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
      await Promise.all(keys.map((k) => c.set(k, `old ${k}`)));
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + 61_000); // every entry past its TTL, within grace
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started = 0;
      let allStarted!: () => void;
      const loading = new Promise<void>((resolve) => (allStarted = resolve));
      const answers = keys.map((k, i) =>
        c.getOrSet(k, async () => {
          if (++started === keys.length) allStarted();
          await gate;
          if (i % 2 === 1) throw new Error("source down too");
          return `new ${k}`;
        }),
      );
      await loading;
      store.down();
      release();
      const results = await Promise.allSettled(answers);
      expect(results.map((r) => r.status)).toEqual(keys.map(() => "fulfilled"));
      expect(results.map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(
        keys.map((k, i) => (i % 2 === 1 ? `old ${k}` : `new ${k}`)),
      );
      // With the store still down: local copies (stale) and the loader answer, nothing throws.
      const later = await Promise.allSettled(
        keys.map((k, i) =>
          c.getOrSet(k, () => {
            if (i % 2 === 1) throw new Error("source down too");
            return `newer ${k}`;
          }),
        ),
      );
      expect(later.map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(
        keys.map((k, i) => (i % 2 === 1 ? `old ${k}` : `newer ${k}`)),
      );
      // A plain get while the store is down fails as it always did.
      await expect(c.get("k0")).rejects.toBeInstanceOf(BackendError);
    });

    it("getOrSet on a store that is down calls the loader and returns its value, without any policy", async () => {
      const store = await proxy();
      const c = track(new RedisCache<string>({ endpoint: store.host, port: store.port, namespace: ns(), timeout: 1 }));
      await c.set("warm", "up");
      store.down();
      expect(await c.getOrSet("k", () => "from the loader")).toBe("from the loader");
      await expect(c.getOrSet("k", () => Promise.reject(new TypeError("loader bug")))).rejects.toThrow("loader bug");
    });
  });

  describe("circuit breaker", () => {
    it("opens on the first failure, skips the store while open, probes once after the break and closes", async () => {
      const store = await proxy();
      const alias = `breaker-${randomUUID().slice(0, 6)}`;
      const c = track(
        new RedisCache<string>({
          endpoint: store.host,
          port: store.port,
          namespace: ns(),
          alias,
          circuitBreaker: 30,
          timeout: 1,
        }),
      );
      await c.set("k", "v");
      vi.useFakeTimers({ toFake: ["Date"] });
      store.down();
      let mark = breaker.mark;
      expect(await c.getOrSet("a", () => "loaded")).toBe("loaded");
      expect(await breaker.next((e) => e.alias === alias, mark)).toEqual({
        alias,
        backend: "redis",
        state: "open",
        previous: "closed",
      });
      // Open: nothing reaches the store. A read is a miss, a write fails at once naming the breaker.
      expect(await c.get("k")).toBeUndefined();
      const error = await c.set("k", "x").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({ code: "E_BACKEND", backend: "redis" });
      expect((error as Error).message).toBe(
        "redis is skipped: it failed and its circuit breaker is open. Calls use it again once a background probe succeeds (circuit_breaker sets how long to wait before probing).",
      );
      const loads = await Promise.all(Array.from({ length: 20 }, (_, i) => c.getOrSet(`n${i}`, () => `loaded ${i}`)));
      expect(loads).toEqual(Array.from({ length: 20 }, (_, i) => `loaded ${i}`));

      // After the break, with the store still down: the probe fails and the breaker opens again.
      mark = breaker.mark;
      vi.setSystemTime(Date.now() + 30_000);
      expect(await c.get("k")).toBeUndefined();
      expect((await breaker.next((e) => e.alias === alias, mark)).state).toBe("half-open");
      expect((await breaker.next((e) => e.alias === alias && e.state !== "half-open", mark)).state).toBe("open");

      // The store is back: once the client has reconnected, the next probe closes the breaker.
      store.resume();
      const client = c.client as unknown as EventEmitter & { status: string };
      if (client.status !== "ready") await once(client, "ready");
      mark = breaker.mark;
      vi.setSystemTime(Date.now() + 30_000);
      expect(await c.get("k")).toBeUndefined();
      expect((await breaker.next((e) => e.alias === alias && e.state !== "half-open", mark)).state).toBe("closed");
      expect(await c.get("k")).toBe("v");
      expect(await c.getOrSet("a", () => "reloaded")).toBe("reloaded");
    });
  });

  /** Two caches sharing a bus group: as two processes would, each with its own local tier and bus. */
  const pair = async (options: RedisCacheOptions<string>, transports?: [unknown, unknown]) => {
    const group = `g-${randomUUID().slice(0, 8)}`;
    const namespace = ns();
    const make = (name: string, i: number) =>
      track(
        new RedisCache<string>({
          ...options,
          namespace,
          alias: `${name}-${group}`,
          local: { maxSize: 100, ttl: 600 },
          bus: transports === undefined ? { group } : { group, transport: transports[i] as never },
        }),
      );
    const a = make("a", 0);
    const b = make("b", 1);
    await Promise.all([a.tiers.ready(), b.tiers.ready()]);
    await Promise.all([a, b].map((c) => busEvent(c.alias!, (e) => e.event === "up")));
    return { a, b, key: (k: string) => a.buildKey(k) };
  };

  describe.each([
    ["redis", () => ({ ...inject("redis") })],
    ["cluster", () => ({ cluster: inject("redisCluster"), hashTag: true })],
  ] as const)("local tier and bus on %s", (_, connection) => {
    it("each sees the other's writes, deletes, clears and tag invalidations", async () => {
      const { a, b, key } = await pair({ ...connection(), tags: true });
      let mark = bus.mark;
      await a.set("k", "v1");
      await invalidated(b.alias!, key("k"), mark);
      expect(await b.get("k")).toBe("v1");
      expect(b.tiers.localCopy(key("k"))?.value).toBe("v1");

      mark = bus.mark;
      await a.set("k", "v2");
      await invalidated(b.alias!, key("k"), mark);
      expect(b.tiers.localCopy(key("k"))).toBeUndefined();
      expect(await b.get("k")).toBe("v2");

      mark = bus.mark;
      await b.set("t", "tagged", { tags: ["org:1", "team:2"] });
      await invalidated(a.alias!, key("t"), mark);
      expect(await a.get("t")).toBe("tagged");
      mark = bus.mark;
      await b.deleteByTag(["team:2"]);
      await busEvent(a.alias!, (e) => e.event === "message" && e.reason === "tags", mark);
      expect(await a.get("t")).toBeUndefined();
      expect(await b.get("t")).toBeUndefined();

      mark = bus.mark;
      await b.delete("k");
      await invalidated(a.alias!, key("k"), mark);
      expect(await a.get("k")).toBeUndefined();

      await a.set("c", "x");
      expect(await b.get("c")).toBe("x");
      mark = bus.mark;
      await a.clear();
      await busEvent(b.alias!, (e) => e.event === "message" && e.reason === "clear", mark);
      expect(b.tiers.localCopy(key("c"))).toBeUndefined();
      expect(await b.get("c")).toBeUndefined();
    });

    it("deleteByTag of tags spread over many slots: no CROSSSLOT, one read per check", async () => {
      const namespace = ns();
      const c = track(new RedisCache<string>({ ...connection(), namespace, tags: true }));
      const tags = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
      await Promise.all(tags.map((tag, i) => c.set(`k${i}`, `v${i}`, { tags: [tag, "all"] })));
      expect(await c.multiGet(tags.map((_, i) => `k${i}`))).toEqual(tags.map((_, i) => `v${i}`));
      await c.deleteByTag(tags.slice(0, 20));
      const after = await c.multiGet(tags.map((_, i) => `k${i}`));
      expect(after).toEqual(tags.map((_, i) => (i < 20 ? undefined : `v${i}`)));
      await c.deleteByTag(["all"]);
      expect(await c.multiGet(tags.map((_, i) => `k${i}`))).toEqual(tags.map(() => undefined));
    });
  });

  describe("bus outages", () => {
    it("a dropped subscription bypasses the local tier, and reconnecting clears it: never a stale local entry", async () => {
      const hub = new MemoryHub();
      const [ta, tb] = [hub.transport(), hub.transport()];
      const { a, b, key } = await pair({ ...inject("redis") }, [ta, tb]);
      let mark = bus.mark;
      await a.set("k", "v1");
      await invalidated(b.alias!, key("k"), mark);
      expect(await b.get("k")).toBe("v1");

      mark = bus.mark;
      tb.drop();
      await busEvent(b.alias!, (e) => e.event === "down", mark);
      await a.set("k", "v2"); // b misses this message
      expect(b.tiers.localCopy(key("k"))?.value).toBe("v1");
      expect(await b.get("k")).toBe("v2");

      mark = bus.mark;
      tb.reconnect();
      expect((await busEvent(b.alias!, (e) => e.event === "recover", mark)).reason).toBe("reconnect");
      expect(b.tiers.localCopy(key("k"))).toBeUndefined();
      expect(await b.get("k")).toBe("v2");
    });

    it("a lost publish leaves a gap in seq: the peer clears its local tier", async () => {
      const hub = new MemoryHub();
      const [ta, tb] = [hub.transport(), hub.transport()];
      const { a, b, key } = await pair({ ...inject("redis") }, [ta, tb]);
      let mark = bus.mark;
      await a.set("k", "v1");
      await invalidated(b.alias!, key("k"), mark);
      expect(await b.get("k")).toBe("v1");
      ta.failPublish = true;
      await a.set("k", "v2");
      ta.failPublish = false;
      mark = bus.mark;
      await a.set("other", "x");
      expect((await busEvent(b.alias!, (e) => e.event === "recover", mark)).reason).toBe("gap");
      expect(await b.get("k")).toBe("v2");
    });

    it("Redis drops the subscriber's connection: after the recovery the peer's write made meanwhile is what it serves", async () => {
      const store = await proxy();
      const direct = inject("redis");
      const group = `g-${randomUUID().slice(0, 8)}`;
      const namespace = ns();
      const options = { namespace, local: { maxSize: 100 }, bus: { group } };
      const a = track(new RedisCache<string>({ ...direct, ...options, alias: `a-${group}` }));
      const b = track(
        new RedisCache<string>({ endpoint: store.host, port: store.port, ...options, alias: `b-${group}` }),
      );
      await Promise.all([a.tiers.ready(), b.tiers.ready()]);
      await Promise.all([a, b].map((c) => busEvent(c.alias!, (e) => e.event === "up")));
      const mark = bus.mark;
      await a.set("k", "v1");
      await invalidated(b.alias!, a.buildKey("k"), mark);
      expect(await b.get("k")).toBe("v1");
      const cut = bus.mark;
      store.cut();
      await a.set("k", "v2");
      await busEvent(b.alias!, (e) => e.event === "recover", cut);
      expect(await b.get("k")).toBe("v2");
    });
  });

  describe("memcached with a Redis alias's bus", () => {
    it("two registries see each other's writes and tag invalidations", async () => {
      const namespace = ns();
      const config = {
        pubsub: { cache: "redis", endpoint: inject("redis").host, port: inject("redis").port },
        users: {
          cache: "memcached",
          endpoint: inject("memcached").host,
          port: inject("memcached").port,
          namespace,
          tags: true,
          local: { max_size: 100, ttl: 600 },
          bus: "pubsub",
        },
      } as const;
      const [one, two] = [new CacheRegistry(config), new CacheRegistry(config)];
      const a = one.get("users") as MemcachedCache<string>;
      const b = two.get("users") as MemcachedCache<string>;
      try {
        let mark = bus.mark;
        await Promise.all([a.tiers.ready(), b.tiers.ready()]);
        // Both buses up: two "up" events of the alias.
        const up = (e: BusEvent) => e.alias === "users" && e.event === "up";
        const first = await bus.next(up, mark);
        await bus.next(up, bus.items.indexOf(first) + 1);
        mark = bus.mark;
        await a.set("k", "v1", { tags: ["t"] });
        await bus.next((e) => e.alias === "users" && e.event === "message", mark);
        expect(await b.get("k")).toBe("v1");
        mark = bus.mark;
        await a.deleteByTag(["t"]);
        await bus.next((e) => e.alias === "users" && e.reason === "tags", mark);
        expect(await b.get("k")).toBeUndefined();
        // A tag is part of a memcached key: one memcached cannot take is refused, and nothing is written.
        await expect(a.set("k2", "v", { tags: ["has space"] })).rejects.toThrow(InvalidKeyError);
        await expect(a.deleteByTag(["has space"])).rejects.toThrow(InvalidKeyError);
        expect(await b.get("k2")).toBeUndefined();
      } finally {
        await Promise.all([one.closeAll(), two.closeAll()]);
      }
    });
  });
});

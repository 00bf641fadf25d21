import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { Backend } from "../../../runtime/backends/backend.js";
import { MemcachedStore } from "../../../runtime/backends/memcached-store.js";
import { MemoryStore } from "../../../runtime/backends/memory-store.js";
import { redisTarget, type RedisConnectionOptions } from "../../../runtime/backends/redis-options.js";
import { keySlot } from "../../../runtime/backends/redis-slot.js";
import { RedisStore } from "../../../runtime/backends/redis-store.js";
import { casTagStore, memoryTagStore, redisTagStore } from "../../../runtime/coordination/tag-stores.js";
import { TagClock, tagKey, type TagStore } from "../../../runtime/coordination/tags.js";
import { describeWithServers } from "../../helpers/provided.js";

/**
 * One kind of store: `open` gives a new connection to the same data, as another process would have,
 * for a namespace (memcached scopes its generation by it).
 */
interface Subject {
  readonly open: (namespace: string) => { tags: TagStore; backend?: Backend };
  /** Builds a tag's key in the namespace, as the alias's key layout would. */
  readonly keyOf: (namespace: string, tag: string) => string;
}

const backends: Backend[] = [];
afterAll(async () => {
  await Promise.all(backends.map((backend) => backend.close()));
});
const opened = <B extends Backend>(backend: B): B => (backends.push(backend), backend);

/** The store contract every adapter keeps, and the clock on top of it across "processes". */
function describeTagStore(subject: () => Subject): void {
  const setup = () => {
    const { open, keyOf } = subject();
    const namespace = `tags-${randomUUID().slice(0, 8)}`;
    return { open: () => open(namespace), keyOf, namespace, key: (tag: string) => keyOf(namespace, tag) };
  };

  it("reads missing keys as undefined, adds once, and keeps the greatest time", async () => {
    const { open, key } = setup();
    const { tags } = open();
    expect(await tags.multiGet([key("a"), key("b")])).toEqual([undefined, undefined]);
    expect(await tags.add(key("a"), 100)).toBe(true);
    expect(await tags.add(key("a"), 50)).toBe(false);
    expect(await tags.setIfGreater(key("a"), 90)).toBe(100);
    expect(await tags.setIfGreater(key("a"), 1_760_000_000_123)).toBe(1_760_000_000_123);
    expect(await tags.setIfGreater(key("b"), 7)).toBe(7);
    expect(await tags.multiGet([key("b"), key("a"), key("c")])).toEqual([7, 1_760_000_000_123, undefined]);
  });

  it("keeps the greatest time when writers race", async () => {
    const { open, key } = setup();
    const writers = [open().tags, open().tags, open().tags];
    const times = Array.from({ length: 60 }, (_, i) => 1_000_000 + ((i * 7919) % 60));
    await Promise.all(times.map((ts, i) => writers[i % writers.length]!.setIfGreater(key("race"), ts)));
    expect(await writers[0]!.multiGet([key("race")])).toEqual([Math.max(...times)]);
  });

  it("reads many tags in one multi-get, whatever their slots", async () => {
    const { open, key } = setup();
    const { tags } = open();
    const names = Array.from({ length: 40 }, (_, i) => `tag-${i}`);
    expect(new Set(names.map((name) => keySlot(key(name)))).size).toBeGreaterThan(10);
    await Promise.all(names.map((name, i) => tags.setIfGreater(key(name), i + 1)));
    expect(await tags.multiGet(names.map(key))).toEqual(names.map((_, i) => i + 1));
  });

  it("shows one process's deleteByTag to another's clock, and a lost tag key invalidates", async () => {
    const { open, keyOf, namespace } = setup();
    let now = 1_760_000_000_000;
    const clock = (store: TagStore) =>
      new TagClock({ store, keyOf: (tag) => keyOf(namespace, tag), checkIntervalMs: 0, now: () => now });
    const [writer, invalidator] = [clock(open().tags), clock(open().tags)];
    const created = now;
    await writer.ensure(["org:7", "team:1"], created);
    expect(await writer.isValid(created, ["org:7", "team:1"])).toBe(true);

    now += 1000;
    const ts = await invalidator.invalidate(["org:7"]);
    expect(await writer.isValid(created, ["org:7", "team:1"])).toBe(false);
    expect(await writer.isValid(ts + 1, ["org:7", "team:1"])).toBe(true);

    const { backend } = open();
    if (backend === undefined) return;
    await backend.delete(keyOf(namespace, "team:1"), namespace);
    now += 1000;
    expect(await writer.isValid(ts + 1, ["team:1"])).toBe(false);
    expect(await open().tags.multiGet([keyOf(namespace, "team:1")])).toEqual([now]);
  });
}

describe("tag stores", () => {
  describe("memory (a Map in this process)", () => {
    const store = memoryTagStore();
    describeTagStore(() => ({ open: () => ({ tags: store }), keyOf: (ns, tag) => `${ns}:${tagKey(tag)}` }));
  });

  describe("memory store (compare-and-set)", () => {
    const backend = new MemoryStore();
    describeTagStore(() => ({
      open: (ns) => ({ tags: casTagStore(backend, ns), backend }),
      keyOf: (ns, tag) => `${ns}${tagKey(tag)}`,
    }));
  });

  describeWithServers("on servers", () => {
    const redis = (options: () => RedisConnectionOptions) => (): Subject => ({
      open: () => {
        const backend = opened(new RedisStore(redisTarget(options(), undefined)));
        return { tags: redisTagStore(backend), backend };
      },
      keyOf: (ns, tag) => `${ns}:${tagKey(tag)}`,
    });

    describe("redis", () => {
      describeTagStore(redis(() => ({ endpoint: inject("redis").host, port: inject("redis").port })));
    });
    describe("redis sentinel", () => {
      describeTagStore(
        redis(() => ({ sentinels: inject("redisSentinel").sentinels, sentinelName: inject("redisSentinel").name })),
      );
    });
    describe("redis cluster (tags in many slots, never CROSSSLOT)", () => {
      describeTagStore(redis(() => ({ cluster: { nodes: inject("redisCluster").nodes } })));
    });
    describe("memcached (CAS loop)", () => {
      describeTagStore(() => ({
        open: (ns) => {
          const { host, port } = inject("memcached");
          const settings = {
            servers: [{ host, port }],
            poolSize: 1,
            itemSize: 1 << 20,
            generationTtlMs: 0,
            stallMs: undefined,
          };
          const backend = opened(new MemcachedStore(settings));
          return { tags: casTagStore(backend, ns), backend };
        },
        keyOf: (ns, tag) => `${ns}${tagKey(tag)}`,
      }));
    });
  });
});

import net from "node:net";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { describe, expect, inject, it, onTestFinished } from "vitest";
import {
  BackendError,
  ConfigError,
  JsonSerializer,
  NullSerializer,
  RedisCache,
  StringSerializer,
  V8Serializer,
  caches,
  type RedisCacheOptions,
} from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers, ISOLATED_DB } from "../../helpers/provided.js";
import { expectTtlAfter, stopwatch } from "../../helpers/timing.js";

const track = closeAfterAll();
const ns = () => `t-${randomUUID().slice(0, 8)}`;

describeWithServers("redis (single server)", () => {
  const { host, port } = inject("redis");
  /** A cache in a fresh namespace on the server the options name. */
  const remote = <V = unknown>(options: RedisCacheOptions<V>) =>
    track(new RedisCache<V>({ namespace: ns(), ...options }));
  /** A cache in a fresh namespace on the shared server. */
  const create = <V = unknown>(options: RedisCacheOptions<V> = {}) => remote<V>({ endpoint: host, port, ...options });

  describeConformance({
    name: "redis",
    create: (options) => track(new RedisCache({ endpoint: host, port, ...options })),
    createIsolated: (options) => track(new RedisCache({ endpoint: host, port, db: ISOLATED_DB, ...options })),
    ttlResolutionMs: 1,
  });

  describe("connection options", () => {
    it("exposes endpoint, port and db, with defaults as in aiocache", () => {
      const cache = new RedisCache({ endpoint: host, port, db: 3 });
      expect([cache.endpoint, cache.port, cache.db]).toEqual([host, port, 3]);
      const defaults = new RedisCache();
      expect([defaults.endpoint, defaults.port, defaults.db, defaults.timeout]).toEqual(["127.0.0.1", 6379, 0, 5]);
      expect(defaults.serializer).toBeInstanceOf(JsonSerializer);
    });

    it("reads host, port and db from url, and fields beside it win", async () => {
      const key = ns();
      const viaUrl = track(new RedisCache({ url: `redis://${host}:${port}/4`, namespace: "" }));
      expect([viaUrl.endpoint, viaUrl.port, viaUrl.db]).toEqual([host, port, 4]);
      await viaUrl.set(key, "in db 4");
      expect(await track(new RedisCache({ endpoint: host, port, db: 4 })).get(key)).toBe("in db 4");
      expect(await track(new RedisCache({ endpoint: host, port, db: 0 })).get(key)).toBeUndefined();
      const overridden = new RedisCache({ url: `redis://example.invalid:1/4`, endpoint: host, port, db: 5 });
      expect([overridden.endpoint, overridden.port, overridden.db]).toEqual([host, port, 5]);
    });

    it("accepts pool_max_size for aiocache compatibility (one multiplexed connection serves every call)", async () => {
      const cache = create({ poolMaxSize: 10 });
      await Promise.all(Array.from({ length: 50 }, (_, i) => cache.set(`k${i}`, i)));
      expect(await cache.multiGet(["k0", "k49"])).toEqual([0, 49]);
    });

    it("works with the longest timeout a timer holds: the connection's stall limit (twice it) is capped", async () => {
      const cache = create({ timeout: 2_000_000 });
      expect(cache.timeout).toBe(2_000_000);
      await cache.set("k", "v");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await cache.get("k")).toBe("v");
    });

    it("auto-pipelines by default, and not with autoPipelining: false", async () => {
      const pipelining = (cache: RedisCache) =>
        (cache.client as unknown as { options: { enableAutoPipelining: boolean } }).options.enableAutoPipelining;
      const plain = create({ autoPipelining: false });
      await plain.set("k", 1);
      expect(await plain.get("k")).toBe(1);
      expect(pipelining(plain)).toBe(false);
      const auto = create();
      await auto.get("k");
      expect(pipelining(auto)).toBe(true);
    });

    it("uses an existing ioredis client and never closes it", async () => {
      const client = new Redis({ host, port, lazyConnect: true });
      try {
        const cache = create({ client });
        await cache.set("k", "v");
        expect(cache.client).toBe(client);
        await cache.close();
        expect(client.status).toBe("ready");
        expect(await client.get(cache.buildKey("k"))).toBe('"v"');
      } finally {
        client.disconnect();
      }
    });

    it("rejects inconsistent options with every problem listed", () => {
      const error = (() => {
        try {
          new RedisCache({ url: "http://x", port: 0, db: -1, sentinels: [], cluster: { nodes: [] } });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((p) => p.path)).toEqual([
        "url",
        "port",
        "db",
        "sentinels",
        "db",
        "cluster.nodes",
      ]);
      expect(() => new RedisCache({ sentinels: [{ host, port }] })).toThrow(/sentinels need sentinel_name/);
      expect(() => new RedisCache({ url: "redis://h/x" })).toThrow(/path \/x is not a database index/);
      expect(() => new RedisCache({ serializer: new NullSerializer() })).toThrow(
        /serializer: the null serializer keeps objects in memory; redis stores bytes/,
      );
    });

    it("is what the registry builds for redis aliases", () => {
      caches.setConfig({
        r: { cache: "aiocache.RedisCache", endpoint: host, port, db: 2, timeout: 1, serializer: { class: "string" } },
      });
      const cache = caches.create("r");
      expect(cache).toBeInstanceOf(RedisCache);
      expect(cache).toMatchObject({ endpoint: host, port, db: 2, timeout: 1 });
      expect(cache.serializer).toBeInstanceOf(StringSerializer);
    });
  });

  describe("authentication and TLS", () => {
    const auth = inject("redisAuth");
    const tls = inject("redisTls");

    it("authenticates with a password, and with an ACL username and password", async () => {
      const byPassword = remote({ endpoint: auth.host, port: auth.port, password: auth.password });
      await byPassword.set("k", 1);
      const byUser = remote({
        url: `redis://${auth.username}:${auth.userPassword}@${auth.host}:${auth.port}`,
        namespace: byPassword.namespace,
      });
      expect(await byUser.get("k")).toBe(1);
      const asFields = remote({
        endpoint: auth.host,
        port: auth.port,
        username: auth.username,
        password: auth.userPassword,
        namespace: byPassword.namespace,
      });
      expect(await asFields.get("k")).toBe(1);
    });

    it("names the credentials when they are wrong", async () => {
      const error = await remote({ endpoint: auth.host, port: auth.port, password: "wrong" })
        .get("k")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/rejected the credentials.*WRONGPASS.*username and password options/s),
      });
      expect((error as BackendError).cause).toBeInstanceOf(Error);
    });

    it("connects over TLS with tls options, and with a rediss:// url", async () => {
      const secure = remote({ endpoint: tls.host, port: tls.port, tls: { ca: tls.ca } });
      await secure.set("k", "over tls");
      expect(await secure.get("k")).toBe("over tls");
      const viaUrl = remote({
        url: `rediss://${tls.host}:${tls.port}`,
        tls: { ca: tls.ca },
        namespace: secure.namespace,
      });
      expect(await viaUrl.get("k")).toBe("over tls");
    });

    it("refuses a TLS server whose certificate it does not trust", async () => {
      const error = await remote({ endpoint: tls.host, port: tls.port, tls: true, timeout: 60 })
        .get("k")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as Error).message).toMatch(/self.signed|unable to verify|certificate/i);
    });

    it("gives up connecting after create_connection_timeout", async () => {
      // A TLS client waits for a handshake this silent server never starts.
      const sockets = new Set<net.Socket>();
      const silent = net.createServer((socket) => sockets.add(socket));
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const { port: silentPort } = silent.address() as net.AddressInfo;
      const cache = remote({
        endpoint: "127.0.0.1",
        port: silentPort,
        tls: true,
        createConnectionTimeout: 0.2,
        timeout: 60,
      });
      onTestFinished(async () => {
        await cache.close();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
      });
      // BackendError (ETIMEDOUT) rather than CacheTimeoutError: the connect timeout ended the wait.
      const error = await cache.get("k").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect((error as Error).message).toMatch(/ETIMEDOUT/);
    });
  });

  describe("commands", () => {
    it("stores keys as namespace:key, values as the serializer wrote them, TTLs in ms", async () => {
      const cache = create();
      const elapsed = stopwatch();
      await cache.set("k", { a: 1 }, { ttl: 100.25 });
      expect(await cache.raw("get", `${cache.namespace}:k`)).toBe('{"a":1}');
      const pttl = Number(await cache.raw("pttl", `${cache.namespace}:k`));
      // Milliseconds survive (PX): no more than what passed since set() has run out.
      expect(pttl).toBeLessThanOrEqual(100_250);
      expect(pttl).toBeGreaterThanOrEqual(100_250 - Math.ceil(elapsed()) - 1);
    });

    it("increments JSON and string counters natively (INCRBY), keeping them readable", async () => {
      const cache = create<number>();
      expect(await cache.increment("n", 5)).toBe(5);
      expect(await cache.raw("type", cache.buildKey("n"))).toBe("string");
      expect(await cache.raw("object", "encoding", cache.buildKey("n"))).toBe("int");
      expect(await cache.get("n")).toBe(5);
    });

    it("increments v8 counters by compare-and-set on the stored bytes, losing no update", async () => {
      const cache = create({ serializer: new V8Serializer() });
      await Promise.all(Array.from({ length: 30 }, () => cache.increment("n")));
      expect(await cache.get("n")).toBe(30);
    });

    it("clear() with a namespace uses SCAN + UNLINK and leaves similar prefixes alone", async () => {
      const cache = create();
      await cache.multiSet(Array.from({ length: 2500 }, (_, i) => [`k${i}`, i] as const));
      await cache.set("x", "kept", { namespace: `${cache.namespace}x` });
      await cache.clear();
      expect(await cache.raw("exists", cache.buildKey("k0"), cache.buildKey("k2499"))).toBe(0);
      expect(await cache.get("x", { namespace: `${cache.namespace}x` })).toBe("kept");
    });

    it("escapes glob characters of the namespace in clear()", async () => {
      const cache = create({ namespace: `glob*${ns()}` });
      const other = create({ namespace: cache.namespace.replace("*", "X") });
      await other.set("k", 1);
      await cache.clear();
      expect(await other.get("k")).toBe(1);
    });

    /** Calls of a command on the shared server so far (this file is its only user, one test at a time). */
    const calls = async (cache: RedisCache, command: string) => {
      const info = String(await cache.raw("info", "commandstats"));
      return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
    };
    const delta = async (cache: RedisCache, commands: readonly string[], work: () => Promise<unknown>) => {
      const before = await Promise.all(commands.map((c) => calls(cache, c)));
      await work();
      const after = await Promise.all(commands.map((c) => calls(cache, c)));
      // Each calls() is itself an INFO; only the named commands are compared.
      return Object.fromEntries(commands.map((c, i) => [c, after[i]! - before[i]!]));
    };

    it("sends one tick's GETs as one MGET, and its SETs as one MSET, or one script with TTLs", async () => {
      const cache = create<number>();
      const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
      expect(
        await delta(cache, ["set", "mset", "eval"], () => Promise.all(keys.map((k, i) => cache.set(k, i)))),
      ).toEqual({ set: 0, mset: 1, eval: 0 });
      expect(await delta(cache, ["get", "mget"], () => Promise.all(keys.map((k) => cache.get(k))))).toEqual({
        get: 0,
        mget: 1,
      });
      // The script's own SETs count as SET calls, so only MSET and EVAL are compared here.
      const elapsed = stopwatch();
      expect(
        await delta(cache, ["mset", "eval"], () => Promise.all(keys.map((k, i) => cache.set(k, i, { ttl: 100 })))),
      ).toEqual({ mset: 0, eval: 1 });
      expectTtlAfter(await cache.getTtl("k49"), 100, elapsed());
      expect(await delta(cache, ["set", "eval"], () => cache.set("one", 1, { ttl: 100 }))).toEqual({ set: 1, eval: 0 });
      expect(await cache.multiGet(["k0", "k49", "one"])).toEqual([0, 49, 1]);
    });

    it("keeps call order across batches and other commands", async () => {
      const cache = create<string>({ serializer: new StringSerializer() });
      await cache.set("k", "old");
      const results = await Promise.all([
        cache.get("k"),
        cache.set("k", "new"),
        cache.get("k"),
        cache.delete("k"),
        cache.get("k"),
        cache.multiSet([
          ["k", "again"],
          ["j", "x"],
        ]),
        cache.multiGet(["k", "j"]),
        cache.increment("n"),
        cache.get("n"),
      ]);
      expect(results).toEqual(["old", true, "new", 1, undefined, true, ["again", "x"], 1, "1"]);
    });

    it("reads a key holding another type as a miss (MGET semantics)", async () => {
      const cache = create();
      await cache.raw("hset", cache.buildKey("h"), "field", "value");
      expect(await cache.get("h")).toBeUndefined();
      expect(await cache.exists("h")).toBe(true);
    });

    it("maps server errors to BackendError with the command and cause", async () => {
      const error = await create()
        .raw("nosuchcommand", "x")
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendError);
      expect(error).toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/^Redis NOSUCHCOMMAND at .* failed: ERR unknown command/),
      });
      expect((error as BackendError).cause).toMatchObject({ name: "ReplyError" });
      expect(await create().raw("ping")).toBe("PONG");
    });
  });
});

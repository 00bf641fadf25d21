import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  BackendError,
  CacheTimeoutError,
  HitMissRatioPlugin,
  MemcachedCache,
  RedisCache,
  StringSerializer,
  type AnyCache,
  type CacheOptions,
} from "../../../runtime/index.js";
import { describeWithServers } from "../../helpers/provided.js";
import {
  freePort,
  startMemcached,
  startRedis,
  tempDir,
  type HostPort,
  type ServerProcess,
} from "../../helpers/servers.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

/** A backend under test, on servers this file starts, kills and restarts. */
interface Subject {
  readonly name: string;
  start(port?: number): Promise<ServerProcess>;
  create(at: HostPort, options: CacheOptions<string>): AnyCache;
}

const temp = await tempDir("faults");
const subjects: Subject[] = [
  {
    name: "redis",
    start: (port) => startRedis({ dir: temp.dir, port }),
    create: (at, options) => new RedisCache({ endpoint: at.host, port: at.port, ...options }),
  },
  {
    name: "memcached",
    start: (port) => startMemcached({ port }),
    create: (at, options) => new MemcachedCache({ endpoint: at.host, port: at.port, ...options }),
  },
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
afterEach(() => {
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await temp.remove();
});

/** A settled operation: `{ value }` or `{ error }`, so a poll or a burst can compare outcomes. */
const outcome = (promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const elapsed = async <T>(work: Promise<T>) => {
  const start = performance.now();
  const result = await work;
  return { result, ms: performance.now() - start };
};
const isOutageError = (error: unknown) => error instanceof BackendError || error instanceof CacheTimeoutError;

describeWithServers("faults", () => {
  describe.each(subjects)("$name", (subject) => {
    let server: ServerProcess;
    let proxy: TcpProxy;
    const caches: AnyCache[] = [];
    const create = (at: HostPort, options: CacheOptions<string> = {}) => {
      const cache = subject.create(at, { serializer: new StringSerializer(), namespace: "faults", ...options });
      caches.push(cache);
      return cache;
    };

    beforeAll(async () => {
      server = await subject.start();
      proxy = await TcpProxy.start(server);
    });
    afterEach(async () => {
      proxy.resume();
      await Promise.all(caches.splice(0).map((cache) => cache.close()));
    });
    afterAll(async () => {
      await proxy.close();
      await server.stop();
    });

    it("a dead server fails every operation with BackendError, fast, and nothing queues", async () => {
      const cache = create({ host: "127.0.0.1", port: await freePort() }, { timeout: 0.5 });
      const first = await elapsed(outcome(cache.get("k")));
      expect(first.result.error).toBeInstanceOf(BackendError);
      expect(first.result.error).toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/unreachable.*ECONNREFUSED.*reconnects by itself/s),
      });
      expect(first.ms).toBeLessThan(500);
      const burst = await elapsed(
        Promise.all(Array.from({ length: 2000 }, (_, i) => outcome(cache.set(`k${i}`, "v")))),
      );
      expect(burst.result.every((r) => isOutageError(r.error))).toBe(true);
      // Within the 0.5 s timeout, plus slack for a busy machine running other test files.
      expect(burst.ms).toBeLessThan(1000);
      if (cache instanceof RedisCache) {
        const client = cache.client as unknown as {
          offlineQueue: { length: number };
          commandQueue: { length: number };
        };
        expect(client.offlineQueue.length).toBe(0);
        expect(client.commandQueue.length).toBe(0);
      }
    });

    it("a cut connection fails the operations in flight at once, and the next ones reconnect", async () => {
      const cache = create(proxy, { timeout: 5 });
      await cache.set("k", "v");
      proxy.stall();
      const inFlight = outcome(cache.get("k"));
      await sleep(50);
      proxy.cut();
      const { result, ms } = await elapsed(inFlight);
      expect(result.error).toBeInstanceOf(BackendError);
      expect(ms).toBeLessThan(1000);
      proxy.resume();
      await expect.poll(() => outcome(cache.get("k")), { timeout: 5000, interval: 50 }).toEqual({ value: "v" });
    });

    it("a stalled connection times out with CacheTimeoutError; the late reply resolves nothing", async () => {
      const ratio = new HitMissRatioPlugin();
      const cache = create(proxy, { timeout: 0.3, plugins: [ratio] });
      await cache.multiSet([
        ["a", "A"],
        ["b", "B"],
      ]);
      proxy.stall();
      const { result, ms } = await elapsed(outcome(cache.get("a")));
      expect(result.error).toBeInstanceOf(CacheTimeoutError);
      expect(result.error).toMatchObject({
        code: "E_TIMEOUT",
        message: expect.stringMatching(/get\(\) on key "faults.?a" did not finish within 0.3s/),
      });
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(900);
      proxy.resume();
      await sleep(100);
      // The late reply reached no caller and no plugin, and replies stay matched to their requests.
      expect(ratio.stats.total).toBe(0);
      expect(await cache.get("b")).toBe("B");
      expect(ratio.stats).toEqual({ hits: 1, total: 1, hitRatio: 1 });
    });

    it("a connection stalled for good is dropped after twice the timeout, and the next operation reconnects", async () => {
      const cache = create(proxy, { timeout: 0.3 });
      await cache.set("k", "v");
      proxy.stall();
      expect((await outcome(cache.get("k"))).error).toBeInstanceOf(CacheTimeoutError);
      await expect.poll(() => proxy.connections, { timeout: 3000, interval: 50 }).toBe(0);
      proxy.resume();
      await expect.poll(() => outcome(cache.get("k")), { timeout: 5000, interval: 50 }).toEqual({ value: "v" });
    });

    it("a slow connection succeeds within the timeout and times out past it", async () => {
      const cache = create(proxy, { timeout: 2 });
      await cache.set("k", "v");
      proxy.slow(100);
      expect(await cache.get("k")).toBe("v");
      await expect(cache.get("k", { timeout: 0.05 })).rejects.toBeInstanceOf(CacheTimeoutError);
    });

    it("a killed server: operations fail without hanging, and the same instance recovers after a restart", async () => {
      const own = await subject.start();
      const cache = create(own, { timeout: 1 });
      await cache.set("k", "before");
      await own.kill();
      const down = await elapsed(outcome(cache.get("k")));
      expect(isOutageError(down.result.error)).toBe(true);
      expect(down.ms).toBeLessThan(1100);
      const again = await subject.start(own.port);
      try {
        await expect
          .poll(() => outcome(cache.set("k", "after")), { timeout: 8000, interval: 100 })
          .toEqual({ value: true });
        expect(await cache.get("k")).toBe("after");
      } finally {
        await again.stop();
      }
    });
  });
});

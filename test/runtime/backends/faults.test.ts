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
/** A per-operation timeout for operations that must fail, or succeed, for some other reason first. */
const PATIENT = 60;
/** How long a poll may wait for a reconnect: far past any busy machine's delay; a pass returns early. */
const RECOVERY = { timeout: 30_000, interval: 50 };
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

    it("a dead server fails every operation with BackendError, without waiting, and nothing queues", async () => {
      // A timeout no busy machine reaches: a BackendError then shows the operation failed on the
      // refused connection itself rather than waiting for anything.
      const cache = create({ host: "127.0.0.1", port: await freePort() }, { timeout: PATIENT });
      const first = await outcome(cache.get("k"));
      expect(first.error).toBeInstanceOf(BackendError);
      expect(first.error).toMatchObject({
        code: "E_BACKEND",
        message: expect.stringMatching(/unreachable.*ECONNREFUSED.*reconnects by itself/s),
      });
      const burst = await Promise.all(Array.from({ length: 2000 }, (_, i) => outcome(cache.set(`k${i}`, "v"))));
      expect(burst.filter((r) => !(r.error instanceof BackendError))).toEqual([]);
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
      const cache = create(proxy, { timeout: PATIENT });
      await cache.set("k", "v");
      proxy.stall();
      const inFlight = outcome(cache.get("k"));
      await proxy.holding();
      proxy.cut();
      // BackendError, not CacheTimeoutError: it failed with the connection, not after waiting.
      expect((await inFlight).error).toBeInstanceOf(BackendError);
      proxy.resume();
      await expect.poll(() => outcome(cache.get("k")), RECOVERY).toEqual({ value: "v" });
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
      proxy.resume();
      // The late reply comes first on the connection, then this one's: it reached no caller and no
      // plugin, and replies stay matched to their requests.
      expect(await cache.get("b")).toBe("B");
      expect(ratio.stats).toEqual({ hits: 1, total: 1, hitRatio: 1 });
    });

    it("a connection stalled for good is dropped after twice the timeout, and the next operation reconnects", async () => {
      const cache = create(proxy, { timeout: 0.3 });
      await cache.set("k", "v");
      proxy.stall();
      expect((await outcome(cache.get("k"))).error).toBeInstanceOf(CacheTimeoutError);
      await expect.poll(() => proxy.connections, RECOVERY).toBe(0);
      proxy.resume();
      await expect.poll(() => outcome(cache.get("k")), RECOVERY).toEqual({ value: "v" });
    });

    it("a slow connection succeeds within the timeout and times out past it", async () => {
      const cache = create(proxy, { timeout: PATIENT });
      await cache.set("k", "v");
      proxy.slow(100);
      expect(await cache.get("k")).toBe("v");
      // Its 50 ms deadline is set before the proxy's 100 ms delay of the request even starts.
      await expect(cache.get("k", { timeout: 0.05 })).rejects.toBeInstanceOf(CacheTimeoutError);
    });

    it("a killed server: operations fail without hanging, and the same instance recovers after a restart", async () => {
      const own = await subject.start();
      const cache = create(own, { timeout: 1 });
      await cache.set("k", "before");
      await own.kill();
      // Refused or timed out, depending on how far the client got: either way it does not hang.
      expect(isOutageError((await outcome(cache.get("k"))).error)).toBe(true);
      const again = await subject.start(own.port);
      try {
        await expect.poll(() => outcome(cache.set("k", "after")), RECOVERY).toEqual({ value: true });
        expect(await cache.get("k")).toBe("after");
      } finally {
        await again.stop();
      }
    });
  });
});

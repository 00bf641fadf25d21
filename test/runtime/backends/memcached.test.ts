import { inject } from "vitest";
import { MemcachedCache, type AnyCache } from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers } from "../../helpers/provided.js";

const track = closeAfterAll();

/** The memcached key of a built key in the cache's namespace: it carries the namespace generation. */
const storedKey = async (cache: AnyCache, builtKey: string) => {
  const suffix = (await (cache as MemcachedCache).storedKey("probe")).slice(cache.buildKey("probe").length);
  return builtKey + suffix;
};

describeWithServers("memcached", () => {
  const { host, port } = inject("memcached");
  const isolated = inject("memcachedIsolated");
  describeConformance({
    name: "memcached",
    create: (options) => track(new MemcachedCache({ endpoint: host, port, ...options })),
    createIsolated: (options) => track(new MemcachedCache({ endpoint: isolated.host, port: isolated.port, ...options })),
    ttlResolutionMs: 1000,
    writeRaw: async (cache, key, value) => {
      await cache.raw("set", await storedKey(cache, key), value);
    },
    readRaw: async (cache, key) => {
      const stored = ((await cache.raw("get", key)) ?? (await cache.raw("get", await storedKey(cache, key)))) as Buffer | undefined;
      return stored?.toString();
    },
  });
});

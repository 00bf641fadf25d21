import { inject } from "vitest";
import { RedisCache, type CacheOptions } from "../../runtime/index.js";
import { closeAfterAll } from "../helpers/close-after.js";
import { describeWithServers } from "../helpers/provided.js";
import { describeLocks } from "./lock-suite.js";

const track = closeAfterAll();

describeWithServers("redis locks", () => {
  const { host, port } = inject("redis");
  const { nodes } = inject("redisCluster");
  const single = (options: CacheOptions) => track(new RedisCache({ endpoint: host, port, ...options }));
  const cluster = (options: CacheOptions) => track(new RedisCache({ cluster: { nodes }, ...options }));
  describeLocks({ name: "redis", createPeers: (options) => [single(options), single(options)], ttlResolutionMs: 1 });
  describeLocks({
    name: "redis cluster",
    createPeers: (options) => [cluster(options), cluster(options)],
    ttlResolutionMs: 1,
  });
});

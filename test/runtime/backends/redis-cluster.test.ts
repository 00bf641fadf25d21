import { inject } from "vitest";
import { RedisCache } from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers } from "../../helpers/provided.js";

const track = closeAfterAll();

describeWithServers("redis (cluster)", () => {
  const { nodes } = inject("redisCluster");
  const isolated = inject("redisClusterIsolated");
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
});

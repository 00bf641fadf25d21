import { inject } from "vitest";
import { RedisCache } from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers, ISOLATED_DB } from "../../helpers/provided.js";

const track = closeAfterAll();

describeWithServers("redis (single server)", () => {
  const { host, port } = inject("redis");
  describeConformance({
    name: "redis",
    create: (options) => track(new RedisCache({ endpoint: host, port, ...options })),
    createIsolated: (options) => track(new RedisCache({ endpoint: host, port, db: ISOLATED_DB, ...options })),
    ttlResolutionMs: 1,
  });
});

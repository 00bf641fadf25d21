import { inject } from "vitest";
import { RedisCache } from "../../../runtime/index.js";
import { closeAfterAll } from "../../helpers/close-after.js";
import { describeConformance } from "../../helpers/conformance.js";
import { describeWithServers, ISOLATED_DB } from "../../helpers/provided.js";

const track = closeAfterAll();

describeWithServers("redis (sentinel)", () => {
  const { sentinels, name } = inject("redisSentinel");
  describeConformance({
    name: "redis via sentinel",
    create: (options) => track(new RedisCache({ sentinels, sentinelName: name, ...options })),
    createIsolated: (options) => track(new RedisCache({ sentinels, sentinelName: name, db: ISOLATED_DB, ...options })),
    ttlResolutionMs: 1,
  });
});

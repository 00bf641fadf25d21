import { inject } from "vitest";
import { RedisCache } from "../../runtime/index.js";
import { closeAfterAll } from "../helpers/close-after.js";
import { describeWithServers } from "../helpers/provided.js";
import { describeWrappersOn } from "./backend-suite.js";

const track = closeAfterAll();

describeWithServers("redis wrappers", () => {
  const { host, port } = inject("redis");
  describeWrappersOn({
    name: "redis",
    create: (options) => track(new RedisCache({ endpoint: host, port, ...options })),
    unreachable: (deadPort, timeout) => new RedisCache({ endpoint: "127.0.0.1", port: deadPort, timeout }),
  });
});

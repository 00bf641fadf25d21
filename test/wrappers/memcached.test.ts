import { inject } from "vitest";
import { MemcachedCache } from "../../runtime/index.js";
import { closeAfterAll } from "../helpers/close-after.js";
import { describeWithServers } from "../helpers/provided.js";
import { describeWrappersOn } from "./backend-suite.js";

const track = closeAfterAll();

describeWithServers("memcached wrappers", () => {
  const { host, port } = inject("memcached");
  describeWrappersOn({
    name: "memcached",
    create: (options) => track(new MemcachedCache({ endpoint: host, port, ...options })),
    unreachable: (deadPort, timeout) => new MemcachedCache({ endpoint: "127.0.0.1", port: deadPort, timeout }),
  });
});

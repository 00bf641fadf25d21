import { inject } from "vitest";
import { MemcachedCache, type CacheOptions } from "../../runtime/index.js";
import { closeAfterAll } from "../helpers/close-after.js";
import { MEMCACHED_EXPIRY } from "../helpers/conformance.js";
import { describeWithServers } from "../helpers/provided.js";
import { describeLocks } from "./lock-suite.js";

const track = closeAfterAll();

describeWithServers("memcached locks", () => {
  const { host, port } = inject("memcached");
  const peer = (options: CacheOptions) => track(new MemcachedCache({ endpoint: host, port, ...options }));
  describeLocks({
    name: "memcached",
    createPeers: (options) => [peer(options), peer(options)],
    ...MEMCACHED_EXPIRY,
  });
});

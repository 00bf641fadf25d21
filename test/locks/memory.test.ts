import { Cache, NullSerializer } from "../../runtime/index.js";
import { MemoryStore } from "../../runtime/backends/memory.js";
import { describeLocks } from "./lock-suite.js";

describeLocks({
  name: "memory",
  createPeers: (options) => {
    const store = new MemoryStore();
    return [new Cache(store, new NullSerializer(), options), new Cache(store, new NullSerializer(), options)];
  },
  ttlResolutionMs: 1,
});

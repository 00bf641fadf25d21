import { memoryPeers } from "../helpers/memory-peers.js";
import { describeLocks } from "./lock-suite.js";

describeLocks({
  name: "memory",
  createPeers: memoryPeers,
  ttlResolutionMs: 1,
});

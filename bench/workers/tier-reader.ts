/**
 * The reading process of `bench/tiers.ts`'s cross-process invalidation: cachegen's and
 * bentocache's two-tier caches on the writer's Redis. `poll <peer index> <key>` reads the key in a
 * loop (one `setImmediate` between reads, so bus messages are handled) and records each new value
 * `<i>:` it serves, with when (epoch ms); `stop` ends the loop and prints those `[i, at]` pairs as
 * JSON; `quit` closes the caches.
 */
import { createInterface } from "node:readline";
import { setImmediate as yieldToIo } from "node:timers/promises";
import { bentoTiered, cachegenTiered, type TierPeer } from "../tier-peers.js";

const [host = "127.0.0.1", port = "6379", group = "bench", size = "1000"] = process.argv.slice(2);
const site = { host, port: Number(port), group, size: Number(size) };
const peers: TierPeer[] = [await cachegenTiered(site), bentoTiered(site, true)];
const epoch = () => performance.timeOrigin + performance.now();

let polling: Promise<[number, number][]> | undefined;
let stopped = false;

async function poll(peer: TierPeer, key: string): Promise<[number, number][]> {
  const seen: [number, number][] = [];
  let last: string | undefined;
  while (!stopped) {
    const value = (await peer.get(key)) as string | undefined;
    if (value !== undefined && value !== last) {
      last = value;
      seen.push([Number(value.split(":")[0]), epoch()]);
    }
    await yieldToIo();
  }
  return seen;
}

console.log("ready");
for await (const line of createInterface({ input: process.stdin })) {
  const [command, index, key] = line.split(" ");
  if (command === "poll") {
    stopped = false;
    polling = poll(peers[Number(index)]!, key!);
  } else if (command === "stop") {
    stopped = true;
    console.log(JSON.stringify((await polling) ?? []));
  } else if (command === "quit") {
    break;
  }
}
await Promise.all(peers.map((p) => p.close()));

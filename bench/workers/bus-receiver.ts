/**
 * The receiving process of `bench/bus.ts`: a cachegen bus and a raw ioredis subscriber on the same
 * Redis. It prints "ready" once both listen, records each message's latency (arrival minus the send
 * time the message carries, both epoch ms on this host's clock), and on "done" prints them as JSON.
 */
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import { createClient } from "../../runtime/backends/redis-client.js";
import { redisTarget } from "../../runtime/backends/redis-options.js";
import { RedisPubSub } from "../../runtime/backends/redis-pubsub.js";
import { Bus } from "../../runtime/coordination/bus/bus.js";

const [host = "127.0.0.1", port = "6379", group = "bench", rawChannel = "bench:raw"] = process.argv.slice(2);
const epoch = () => performance.timeOrigin + performance.now();
/** A sample's latency from its `<tag>:<i>:<sent epoch ms>` text. */
const latency = (text: string) => epoch() - Number(text.split(":")[2]);

const latencies = { bus: [] as number[], raw: [] as number[] };
const target = redisTarget({ endpoint: host, port: Number(port) }, undefined);
const client = await createClient(target, undefined);
await client.connect();
let up: () => void = () => undefined;
const isUp = new Promise<void>((resolve) => (up = resolve));
const bus = new Bus({
  transport: new RedisPubSub({ client, where: target.where }),
  group,
  onMessage: (message) => {
    if (message.op === "set") latencies.bus.push(latency(message.keys[0]!));
  },
  onState: (state) => state === "up" && up(),
});
await bus.start();
const raw = new Redis({ host, port: Number(port) });
raw.on("message", (_channel: string, text: string) => latencies.raw.push(latency(text)));
await raw.subscribe(rawChannel);
await isUp;
console.log("ready");

for await (const line of createInterface({ input: process.stdin })) {
  if (line !== "done") continue;
  console.log(JSON.stringify(latencies));
  break;
}
await bus.close();
raw.disconnect();
await client.quit();

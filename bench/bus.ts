/**
 * Bus latency across two processes on loopback: from `bus.publish` in this process to `onMessage`
 * in a receiver process (bench/workers/bus-receiver.ts), against raw ioredis PUBLISH to a raw
 * SUBSCRIBE listener on the same redis-server (the floor), measured in the same run. Method: one
 * message every millisecond, bus and raw alternating so both see the same conditions; the first
 * WARMUP samples of each are discarded; percentiles of the rest.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { createClient } from "../runtime/backends/redis-client.js";
import { redisTarget } from "../runtime/backends/redis-options.js";
import { RedisPubSub } from "../runtime/backends/redis-pubsub.js";
import { Bus } from "../runtime/coordination/bus/bus.js";
import { startRedis, tempDir } from "../test/helpers/servers.js";
import { quantile, target } from "./harness.js";

const WORKER = fileURLToPath(new URL("./workers/bus-receiver.ts", import.meta.url));
const SAMPLES = 2000;
const WARMUP = 200;

/** Runs the latency comparison on a redis-server of its own and prints a table plus the target check. */
export async function benchBus(): Promise<void> {
  const temp = await tempDir("bench-bus");
  const server = await startRedis({ dir: temp.dir });
  const group = `bench-${randomUUID().slice(0, 8)}`;
  const rawChannel = `bench:raw:${group}`;
  const receiver = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, server.host, String(server.port), group, rawChannel],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: receiver.stdout })[Symbol.asyncIterator]();
  const at = redisTarget({ endpoint: server.host, port: server.port }, undefined);
  const client = await createClient(at, undefined);
  const bus = new Bus({ transport: new RedisPubSub({ client, where: at.where }), group });
  const rawPublisher = new Redis({ host: server.host, port: server.port });
  try {
    await client.connect();
    await bus.start();
    if ((await lines.next()).value !== "ready") throw new Error("the receiver did not start");
    const epoch = () => performance.timeOrigin + performance.now();
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      await bus.publish({ op: "set", ns: "bench", keys: [`b:${i}:${epoch()}`] });
      await sleep(1);
      await rawPublisher.publish(rawChannel, `r:${i}:${epoch()}`);
      await sleep(1);
    }
    await sleep(100);
    receiver.stdin.write("done\n");
    const { bus: viaBus, raw } = JSON.parse((await lines.next()).value as string) as Record<string, number[]>;
    const row = (name: string, values: number[]) => {
      const kept = values.slice(WARMUP);
      const ms = (q: number) => quantile(kept, q).toFixed(2);
      return `| ${name} | ${ms(0.5)} | ${ms(0.9)} | ${ms(0.99)} | ${Math.max(...kept).toFixed(2)} | ${kept.length} |`;
    };
    console.log(
      [
        `**bus publish → receive, another process on loopback** (1 message/ms alternating, ${WARMUP} warm-up, ms)`,
        "",
        "| path | p50 | p90 | p99 | max | samples |",
        "|---|---:|---:|---:|---:|---:|",
        row("cachegen Bus (JSON v1, RedisPubSub)", viaBus!),
        row("raw ioredis PUBLISH → SUBSCRIBE", raw!),
        "",
      ].join("\n"),
    );
    target("bus p99 publish → receive", quantile(viaBus!.slice(WARMUP), 0.99), 20, { unit: " ms", atMost: true });
  } finally {
    await bus.close();
    await client.quit();
    rawPublisher.disconnect();
    receiver.kill();
    await server.stop();
    await temp.remove();
  }
}

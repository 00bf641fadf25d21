/**
 * Issue 12's figures, side by side with bentocache configured the same way (bench/tier-peers.ts),
 * each on a redis-server of its own:
 * - local-tier hit: `get` of 1,000 keys held locally, sequential awaits, against a plain
 *   MemoryCache get (the baseline) in the same rounds (harness.ts: rotated order, medians);
 * - cross-process invalidation: this process `set`s a key every INTERVAL_MS while a reader
 *   process (bench/workers/tier-reader.ts) reads it in a loop from its local tier; a sample is the
 *   time from the start of `set` to the reader first serving that value or a later one (a value it
 *   never served still counts, until the next one was seen: no slow sample is dropped). cachegen and
 *   bentocache alternate in blocks, after a discarded warm-up block each;
 * - `getOrSet` with Redis stopped: a new key per call (the loader runs every time), sequential,
 *   after one call has opened the breaker; per-call times, contenders alternating in blocks.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisDriver } from "bentocache/drivers/redis";
import { Redis } from "ioredis";
import { MemoryCache, RedisCache } from "../runtime/index.js";
import { startRedis, tempDir } from "../test/helpers/servers.js";
import { quantile, report, target, type Row } from "./harness.js";
import { bentoTiered, cachegenTiered, type TierPeer, type TierSite } from "./tier-peers.js";

const WORKER = fileURLToPath(new URL("./workers/tier-reader.ts", import.meta.url));
const KEYS = 1000;
const value = { id: 1, name: "cached value" };
const INTERVAL_MS = 5;
const BLOCK = 250;
const BLOCKS = 4;
const DOWN_CALLS = 1000;
const DOWN_BLOCKS = 5;

/** Runs the three comparisons and prints their tables and target checks. */
export async function benchTiers(): Promise<void> {
  const temp = await tempDir("bench-tiers");
  const server = await startRedis({ dir: temp.dir });
  const site: TierSite = { host: server.host, port: server.port, group: randomUUID().slice(0, 8), size: KEYS };
  try {
    await localHit(site);
    await invalidation(site);
  } finally {
    await server.stop();
  }
  try {
    await storeDown(temp.dir);
  } finally {
    await temp.remove();
  }
}

const ratio = (rows: readonly Row[], name: string) => rows.find((r) => r.name === name)!.ratio;

async function localHit(site: TierSite): Promise<void> {
  const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
  const memory = (name: string, namespace: string): TierPeer => {
    const cache = new MemoryCache({ namespace });
    return { name, get: (k) => cache.get(k), set: (k, v) => cache.set(k, v), close: () => cache.close() };
  };
  // The baseline is the same alias as a memory one (its namespace too: building the key is part of
  // every get); the row without a namespace shows what that costs.
  const ours = await cachegenTiered(site);
  const baseline = memory("cachegen MemoryCache, same namespace", ours.namespace ?? "");
  const bare = memory("cachegen MemoryCache, no namespace", "");
  const bento = [bentoTiered(site, true), bentoTiered(site, false)];
  const peers = [baseline, bare, ours, ...bento];
  try {
    for (const peer of peers) for (const key of keys) await peer.set(key, value);
    // bentocache's variants share no channel, but let any bus traffic settle, then read every key
    // once so each local tier holds all of them.
    await sleep(200);
    for (const peer of peers) for (const key of keys) await peer.get(key);
    const rows = await report({
      title: `local-tier get (hit), ${KEYS.toLocaleString("en-US")} keys, Redis behind`,
      baseline: baseline.name,
      contenders: peers.map((p) => ({ name: p.name, op: (i: number) => p.get(keys[i % KEYS]!) })),
      ops: 100_000,
      rounds: 11,
      warmup: 2,
    });
    const oursRatio = ratio(rows, ours.name);
    target("local-tier hit vs MemoryCache get, same namespace", oursRatio, 0.8);
    target("local-tier hit vs MemoryCache get, no namespace", oursRatio / ratio(rows, bare.name), 0.8);
    target("local-tier hit vs bentocache L1 hit (serialize: true)", oursRatio / ratio(rows, bento[0]!.name), 10);
    target("local-tier hit vs bentocache L1 hit (serialize: false)", oursRatio / ratio(rows, bento[1]!.name), 10);
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}

/** A reader process: `send` writes a command line, `next` reads its next output line. */
async function startReader(site: TierSite) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, site.host, String(site.port), site.group, String(site.size)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value as string;
  if ((await next()) !== "ready") throw new Error("the tier reader did not start");
  return { send: (line: string) => child.stdin.write(`${line}\n`), next, quit: () => child.stdin.end() };
}

async function invalidation(site: TierSite): Promise<void> {
  const reader = await startReader(site);
  const writers = [await cachegenTiered(site), bentoTiered(site, true)];
  const samples = writers.map(() => [] as number[]);
  const epoch = () => performance.timeOrigin + performance.now();
  try {
    for (let block = 0; block <= BLOCKS; block++) {
      for (const [index, writer] of writers.entries()) {
        const key = `inv:${block}:${index}`;
        await writer.set(key, "start:");
        reader.send(`poll ${index} ${key}`);
        const sentAt: number[] = [];
        for (let i = 0; i < BLOCK; i++) {
          await sleep(INTERVAL_MS);
          sentAt.push(epoch());
          await writer.set(key, `${i}:`);
        }
        await sleep(50);
        reader.send("stop");
        const seen = JSON.parse(await reader.next()) as [number, number][];
        if (block > 0) samples[index]!.push(...latencies(sentAt, seen));
      }
    }
  } finally {
    reader.send("quit");
    reader.quit();
    await Promise.all(writers.map((w) => w.close()));
  }
  const ms = (values: number[], q: number) => quantile(values, q).toFixed(2);
  console.log(
    [
      `**cross-process invalidation: \`set\` in this process → the other process serves the new value** ` +
        `(loopback, one set every ${INTERVAL_MS} ms, ${BLOCKS} blocks of ${BLOCK} per contender after a discarded block, ms)`,
      "",
      "| contender | p50 | p90 | p99 | max | samples |",
      "|---|---:|---:|---:|---:|---:|",
      ...writers.map(
        (w, i) =>
          `| ${w.name} | ${ms(samples[i]!, 0.5)} | ${ms(samples[i]!, 0.9)} | ${ms(samples[i]!, 0.99)} | ` +
          `${Math.max(...samples[i]!).toFixed(2)} | ${samples[i]!.length} |`,
      ),
      "",
    ].join("\n"),
  );
  target("cross-process invalidation p99", quantile(samples[0]!, 0.99), 20, { unit: " ms", atMost: true });
}

/**
 * Per value written, how long after its `set` began the reader first served it or a later value
 * (`seen`: what the reader served, in order, with when; the key's initial value has index NaN).
 */
function latencies(sentAt: readonly number[], seen: readonly [number, number][]): number[] {
  const out: number[] = [];
  let next = 0;
  for (const [index, at] of seen) {
    if (Number.isNaN(index)) continue;
    for (; next <= index && next < sentAt.length; next++) out.push(at - sentAt[next]!);
  }
  return out;
}

/** A `getOrSet` on a fresh key with a constant loader. */
interface DownPeer {
  readonly name: string;
  getOrSet(key: string): Promise<unknown>;
  close(): Promise<unknown>;
}

function downPeers(host: string, port: number): DownPeer[] {
  const loader = () => value;
  const cachegen = (name: string, options: { circuitBreaker?: number; local?: { maxSize: number } }): DownPeer => {
    const cache = new RedisCache({ endpoint: host, port, namespace: "down", ttl: 60, timeout: 1, ...options });
    return { name, getOrSet: (k) => cache.getOrSet(k, loader), close: () => cache.close() };
  };
  const bento = (name: string, l1: boolean): DownPeer => {
    // bentocache takes the instance as is: the same fail-fast settings cachegen's client uses.
    const connection = new Redis({ host, port, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    connection.on("error", () => undefined);
    const store = l1
      ? bentostore()
          .useL1Layer(memoryDriver({ maxItems: 100_000 }))
          .useL2Layer(redisDriver({ connection }))
      : bentostore().useL2Layer(redisDriver({ connection }));
    const cache = new BentoCache({
      default: "c",
      stores: { c: store },
      ttl: "1m",
      l2CircuitBreakerDuration: "30s",
      suppressL2Errors: true,
    });
    return {
      name,
      getOrSet: (k) => cache.getOrSet({ key: k, factory: loader }),
      close: async () => {
        await cache.disconnectAll();
        connection.disconnect();
      },
    };
  };
  return [
    cachegen("cachegen RedisCache, circuit_breaker 30 s", { circuitBreaker: 30 }),
    cachegen("cachegen RedisCache, circuit_breaker 30 s + local tier", {
      circuitBreaker: 30,
      local: { maxSize: 100_000 },
    }),
    cachegen("cachegen RedisCache, no breaker", {}),
    bento("bentocache L2 only, breaker 30 s", false),
    bento("bentocache L1 + L2, breaker 30 s", true),
  ];
}

async function storeDown(dir: string): Promise<void> {
  const server = await startRedis({ dir });
  const peers = downPeers(server.host, server.port);
  const samples = peers.map(() => [] as number[]);
  try {
    for (const [i, peer] of peers.entries()) await peer.getOrSet(`warm:${i}`);
    await server.stop();
    await sleep(200);
    // The first call after the stop fails at the store and opens each breaker.
    for (const [i, peer] of peers.entries()) await peer.getOrSet(`open:${i}`);
    for (let block = 0; block < DOWN_BLOCKS; block++) {
      for (const [i, peer] of peers.entries()) {
        for (let n = 0; n < DOWN_CALLS; n++) {
          const start = performance.now();
          await peer.getOrSet(`k:${block}:${n}`);
          samples[i]!.push(performance.now() - start);
        }
      }
    }
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
  const ms = (values: number[], q: number) => quantile(values, q).toFixed(3);
  console.log(
    [
      `**getOrSet with Redis stopped, a new key per call** (sequential, ${DOWN_BLOCKS} blocks of ${DOWN_CALLS} per contender, ms)`,
      "",
      "| contender | p50 | p99 | max | calls |",
      "|---|---:|---:|---:|---:|",
      ...peers.map(
        (p, i) =>
          `| ${p.name} | ${ms(samples[i]!, 0.5)} | ${ms(samples[i]!, 0.99)} | ` +
          `${Math.max(...samples[i]!).toFixed(3)} | ${samples[i]!.length} |`,
      ),
      "",
    ].join("\n"),
  );
  target("getOrSet p99 with Redis down, breaker open", quantile(samples[0]!, 0.99), 2, {
    unit: " ms",
    atMost: true,
  });
}

/**
 * Redis GET and SET with 100 requests in flight: cachegen's RedisCache (strings and no plugins; the
 * same with OpenTelemetry metrics; JSON plus both plugins) against raw ioredis with auto-pipelining
 * (the baseline), keyv + @keyv/redis, cache-manager over the same keyv store, and bentocache's Redis
 * layer, all in one process on one redis-server this bench starts on a free port.
 */
import KeyvRedis from "@keyv/redis";
import { BentoCache, bentostore } from "bentocache";
import { redisDriver } from "bentocache/drivers/redis";
import { createCache } from "cache-manager";
import { Redis } from "ioredis";
import Keyv from "keyv";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  cachegenMetrics,
  HitMissRatioPlugin,
  JsonSerializer,
  openTelemetry,
  RedisCache,
  StringSerializer,
  TimingPlugin,
} from "../runtime/index.js";
import { startRedis, tempDir } from "../test/helpers/servers.js";
import { report, target, type Row } from "./harness.js";
import { contenders, type RemotePeer } from "./peers.js";

const KEYS = 1000;
const IN_FLIGHT = 100;
const keys = Array.from({ length: KEYS }, (_, i) => `bench:${i}`);
const text = "x".repeat(100);
const object = { id: 1, name: "cached value", tags: ["a", "b"] };

/** An OpenTelemetry SDK meter provider whose reader takes cachegen's metrics, exporting once a second. */
function meterProvider(): MeterProvider {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 1000,
    metricProducers: [cachegenMetrics],
  });
  return new MeterProvider({ readers: [reader] });
}

const STRINGS = "cachegen RedisCache (string, no plugins)";
const METRICS = "cachegen RedisCache (string, OTel metrics)";

function peers(host: string, port: number): RemotePeer[] {
  const url = `redis://${host}:${port}`;
  const raw = new Redis({ host, port, enableAutoPipelining: true });
  const strings = new RedisCache({ endpoint: host, port, serializer: new StringSerializer(), namespace: "cg" });
  const meters = meterProvider();
  const measured = new RedisCache({
    endpoint: host,
    port,
    serializer: new StringSerializer(),
    namespace: "cg",
    alias: "bench",
    telemetry: openTelemetry({ traces: false }),
  });
  const json = new RedisCache({
    endpoint: host,
    port,
    serializer: new JsonSerializer(),
    plugins: [new HitMissRatioPlugin(), new TimingPlugin()],
    namespace: "cgjson",
  });
  const keyv = new Keyv(new KeyvRedis(url));
  const manager = createCache({ stores: [new Keyv(new KeyvRedis(url), { namespace: "manager" })] });
  const bento = new BentoCache({
    default: "redis",
    stores: { redis: bentostore().useL2Layer(redisDriver({ connection: { host, port } })) },
  });
  return [
    {
      name: "raw ioredis (auto-pipelining)",
      get: (k) => raw.get(k),
      set: (k, v) => raw.set(k, v),
      close: () => raw.quit(),
    },
    {
      name: STRINGS,
      get: (k) => strings.get(k),
      set: (k, v) => strings.set(k, v),
      close: () => strings.close(),
    },
    {
      name: METRICS,
      get: (k) => measured.get(k),
      set: (k, v) => measured.set(k, v),
      close: () => Promise.all([measured.close(), meters.shutdown()]),
    },
    {
      name: "cachegen RedisCache (json + 2 plugins)",
      get: (k) => json.get(k),
      set: (k) => json.set(k, object),
      close: () => json.close(),
    },
    {
      name: "keyv + @keyv/redis",
      get: (k) => keyv.get(k),
      set: (k, v) => keyv.set(k, v),
      close: () => keyv.disconnect(),
    },
    {
      name: "cache-manager (keyv redis store)",
      get: (k) => manager.get(k),
      set: (k, v) => manager.set(k, v),
      close: () => manager.disconnect(),
    },
    {
      name: "bentocache (redis layer)",
      get: (k) => bento.get({ key: k }),
      set: (k, v) => bento.set({ key: k, value: v }),
      close: () => bento.disconnectAll(),
    },
  ];
}

/** Runs the Redis comparisons on a redis-server of its own and prints tables plus target checks. */
export async function benchRedis(): Promise<void> {
  const temp = await tempDir("bench-redis");
  const server = await startRedis({ dir: temp.dir });
  const all = peers(server.host, server.port);
  try {
    for (const peer of all) await Promise.all(keys.map((key) => peer.set(key, text)));
    const common = { baseline: all[0]!.name, ops: 20_000, concurrency: IN_FLIGHT, rounds: 15, warmup: 3 };
    const get = await report({
      title: "redis GET",
      contenders: contenders(all, (p, i) => p.get(keys[i % KEYS]!)),
      ...common,
    });
    const set = await report({
      title: "redis SET",
      contenders: contenders(all, (p, i) => p.set(keys[i % KEYS]!, text)),
      ...common,
    });
    for (const [op, rows] of [
      ["GET", get],
      ["SET", set],
    ] as const) {
      const ratio = (name: string) => rows.find((r: Row) => r.name.startsWith(name))!.ratio;
      target(`redis ${op} strings, no plugins vs raw ioredis`, ratio(STRINGS), 0.95);
      target(`redis ${op} strings, no plugins vs keyv`, ratio(STRINGS) / ratio("keyv"), 1);
      target(`redis ${op} json + 2 plugins vs raw ioredis`, ratio("cachegen RedisCache (json"), 0.85);
    }
    // Telemetry against none, head to head: more rounds, the ratio taken in each round.
    const pair = all.filter((p) => p.name === STRINGS || p.name === METRICS);
    const telemetry = await report({
      title: "redis GET, telemetry on vs off",
      contenders: contenders(pair, (p, i) => p.get(keys[i % KEYS]!)),
      ...common,
      baseline: STRINGS,
      rounds: 31,
    });
    target("redis GET with OTel metrics vs telemetry off", telemetry.find((r) => r.name === METRICS)!.ratio, 0.9);
  } finally {
    await Promise.all(all.map((peer) => peer.close()));
    await server.stop();
    await temp.remove();
  }
}

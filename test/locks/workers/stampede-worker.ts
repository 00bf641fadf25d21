// One "process" of the cross-process stampede test: prints "ready", waits for a line on stdin so
// every worker starts at once, then runs its callers on one key and prints what happened as JSON.
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { cachedStampede, MemcachedCache, RedisCache, type AnyCache } from "../../../runtime/index.js";

/** Argument order of this script, set by the test that spawns it. */
export interface WorkerArgs {
  backend: "redis" | "memcached";
  host: string;
  port: number;
  namespace: string;
  /** `getOrSet` with a lease lock, `cachedStampede`, or plain `getOrSet` (the control). */
  mode: "getOrSet" | "cachedStampede" | "none";
  callers: number;
  loaderMs: number;
  leaseSeconds: number;
}

/** What a worker reports. */
export interface WorkerReport {
  loaderRuns: number;
  values: string[];
  /** Milliseconds from "go" until each caller had its value. */
  latencies: number[];
}

const args = JSON.parse(process.argv[2]!) as WorkerArgs;

function connect(): AnyCache {
  const options = { endpoint: args.host, port: args.port, namespace: args.namespace };
  return args.backend === "redis" ? new RedisCache(options) : new MemcachedCache(options);
}

const cache = connect();
let loaderRuns = 0;
const loader = async () => {
  loaderRuns++;
  await sleep(args.loaderMs);
  return `loaded by ${process.pid}`;
};
const load = cachedStampede(loader, { cache, lease: args.leaseSeconds });
const call =
  args.mode === "cachedStampede"
    ? () => load()
    : args.mode === "getOrSet"
      ? () => cache.getOrSet("key", loader, { lock: "redis", lease: args.leaseSeconds })
      : () => cache.getOrSet("key", loader);

// Connect before "go", so start-up cost is not part of the race.
await cache.exists("warm-up");
console.log("ready");
const stdin = createInterface({ input: process.stdin });
await new Promise((resolve) => stdin.once("line", resolve));
stdin.close();
const go = performance.now();
const values = await Promise.all(
  Array.from({ length: args.callers }, async () => {
    const value = await call();
    return { value: String(value), latency: performance.now() - go };
  }),
);
const report: WorkerReport = { loaderRuns, values: values.map((v) => v.value), latencies: values.map((v) => v.latency) };
console.log(JSON.stringify(report));
await cache.close();

// One "process" of the cross-process stampede test. For each scenario the test sends a line with
// the scenario as JSON; the worker connects, prints "ready", waits for a "go" line (so both workers
// start together), runs its callers on one key and prints what happened as JSON.
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { cachedStampede, MemcachedCache, RedisCache, type AnyCache } from "../../../runtime/index.js";

/** How long a loader waits for the other process's; past it the control fails instead of hanging. */
const BARRIER_MS = 30_000;

/** One race, as the test sends it. */
export interface Scenario {
  backend: "redis" | "memcached";
  host: string;
  port: number;
  /** Shared by both workers, fresh per scenario. */
  namespace: string;
  /** `getOrSet` with a lease lock, `cachedStampede`, or plain `getOrSet` (the control). */
  mode: "getOrSet" | "cachedStampede" | "none";
  callers: number;
  loaderMs: number;
  leaseSeconds: number;
}

/** What a worker reports for one scenario. */
export interface WorkerReport {
  loaderRuns: number;
  values: string[];
  /** Milliseconds from "go" until each caller had its value. */
  latencies: number[];
}

async function run(scenario: Scenario, go: Promise<unknown>): Promise<WorkerReport> {
  const options = { endpoint: scenario.host, port: scenario.port, namespace: scenario.namespace };
  const cache: AnyCache = scenario.backend === "redis" ? new RedisCache(options) : new MemcachedCache(options);
  let loaderRuns = 0;
  const loader = async () => {
    loaderRuns++;
    // Without a lock, each process's loader waits (a bounded while) for the other's to start, so
    // that neither stores its value before the other has missed, however the two are scheduled.
    if (scenario.mode === "none") await bothStarted(cache);
    await sleep(scenario.loaderMs);
    return `loaded by ${process.pid}`;
  };
  const stampede = cachedStampede(loader, { cache, lease: scenario.leaseSeconds });
  const lease = { lock: "redis", lease: scenario.leaseSeconds } as const;
  const call = {
    cachedStampede: () => stampede(),
    getOrSet: () => cache.getOrSet("key", loader, lease),
    none: () => cache.getOrSet("key", loader),
  }[scenario.mode];
  // Connect before "go", so start-up cost is not part of the race.
  await cache.exists("warm-up");
  console.log("ready");
  await go;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: scenario.callers }, async () => {
      const value = await call();
      return { value: String(value), latency: performance.now() - started };
    }),
  );
  await cache.close();
  return { loaderRuns, values: results.map((r) => r.value), latencies: results.map((r) => r.latency) };
}

/** Counts this process's loader in the store and waits until the other process's has counted too. */
async function bothStarted(cache: AnyCache): Promise<void> {
  await cache.increment("loaders-started");
  const giveUpAt = performance.now() + BARRIER_MS;
  while ((await cache.get("loaders-started")) !== 2 && performance.now() < giveUpAt) await sleep(5);
}

const lines = createInterface({ input: process.stdin });
const next = () => new Promise<string>((resolve) => lines.once("line", resolve));
for (let line = await next(); line !== "exit"; line = await next()) {
  const report = await run(JSON.parse(line) as Scenario, next());
  console.log(JSON.stringify(report));
}
lines.close();

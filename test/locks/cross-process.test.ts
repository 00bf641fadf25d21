import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { describeWithServers } from "../helpers/provided.js";
import type { Scenario, WorkerReport } from "./workers/stampede-worker.js";

const WORKER = fileURLToPath(new URL("./workers/stampede-worker.ts", import.meta.url));
const CALLERS = 50;
const LOADER_MS = 200;
const LEASE_SECONDS = 30;

/** A worker process, started once for every scenario (tsx start-up is the costly part). */
function startWorker() {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`stampede worker exited with ${code} before answering`));
      child.once("exit", exited);
      lines.once("line", (line) => {
        child.off("exit", exited);
        resolve(line);
      });
    });
  const send = (line: string) => child.stdin.write(`${line}\n`);
  const stop = () => child.stdin.end("exit\n");
  return { next, send, stop };
}

describeWithServers("cross-process stampede", () => {
  let workers: ReturnType<typeof startWorker>[] = [];
  beforeAll(() => {
    workers = [startWorker(), startWorker()];
  });
  afterAll(() => workers.forEach((worker) => worker.stop()));

  /** Runs one scenario in both workers, released at the same moment, and merges their reports. */
  async function race(backend: Scenario["backend"], mode: Scenario["mode"]) {
    const scenario: Scenario = {
      backend,
      ...inject(backend),
      namespace: `x-${randomUUID().slice(0, 8)}`,
      mode,
      callers: CALLERS,
      loaderMs: LOADER_MS,
      leaseSeconds: LEASE_SECONDS,
    };
    const ready = workers.map((worker) => worker.next());
    for (const worker of workers) worker.send(JSON.stringify(scenario));
    expect(await Promise.all(ready)).toEqual(["ready", "ready"]);
    const reports = workers.map((worker) => worker.next().then((json) => JSON.parse(json) as WorkerReport));
    for (const worker of workers) worker.send("go");
    const [a, b] = await Promise.all(reports);
    return {
      loaderRuns: a!.loaderRuns + b!.loaderRuns,
      values: [...a!.values, ...b!.values],
      slowestMs: Math.max(...a!.latencies, ...b!.latencies),
    };
  }

  describe.each(["redis", "memcached"] as const)("%s", (backend) => {
    it.each(["getOrSet", "cachedStampede"] as const)(
      "%s: 2 processes x 50 callers, 200 ms loader: one loader run in total, every caller gets its value",
      async (mode) => {
        const result = await race(backend, mode);
        expect(result.loaderRuns).toBe(1);
        expect(result.values).toHaveLength(2 * CALLERS);
        expect(new Set(result.values).size).toBe(1);
        expect(result.values[0]).toMatch(/^loaded by \d+$/);
        // No caller had its value before the loader ran (and one loader run means none waited out
        // the lease, or it would have loaded itself). How soon after the load they saw it is
        // printed, not asserted: on a busy machine it measures the load as much as the code.
        expect(result.slowestMs).toBeGreaterThanOrEqual(LOADER_MS);
        console.info(
          `${backend} ${mode}: loader runs ${result.loaderRuns}, slowest caller ${Math.round(result.slowestMs)} ms`,
        );
      },
    );

    it("control: without the lock each process runs the loader (what the lease prevents)", async () => {
      const result = await race(backend, "none");
      expect(result.loaderRuns).toBe(2);
      expect(new Set(result.values).size).toBe(2);
    });
  });
});

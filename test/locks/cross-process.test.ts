import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { describeWithServers } from "../helpers/provided.js";
import type { WorkerArgs, WorkerReport } from "./workers/stampede-worker.js";

const WORKER = fileURLToPath(new URL("./workers/stampede-worker.ts", import.meta.url));
const CALLERS = 50;
const LOADER_MS = 200;
const LEASE_SECONDS = 5;

/** Starts one worker process and resolves once it is connected and waiting for "go". */
function startWorker(args: WorkerArgs) {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(args)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const next = () => new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before answering`)));
  });
  return next().then((line) => {
    expect(line).toBe("ready");
    return { go: () => child.stdin.write("go\n"), report: () => next().then((json) => JSON.parse(json) as WorkerReport) };
  });
}

/** Runs two worker processes on one key, released at the same moment, and merges their reports. */
async function race(backend: WorkerArgs["backend"], mode: WorkerArgs["mode"]) {
  const args: WorkerArgs = {
    backend,
    ...inject(backend),
    namespace: `x-${randomUUID().slice(0, 8)}`,
    mode,
    callers: CALLERS,
    loaderMs: LOADER_MS,
    leaseSeconds: LEASE_SECONDS,
  };
  const workers = await Promise.all([startWorker(args), startWorker(args)]);
  const reports = workers.map((worker) => worker.report());
  for (const worker of workers) worker.go();
  const [a, b] = await Promise.all(reports);
  return {
    loaderRuns: a!.loaderRuns + b!.loaderRuns,
    values: [...a!.values, ...b!.values],
    slowestMs: Math.max(...a!.latencies, ...b!.latencies),
  };
}

describeWithServers("cross-process stampede", () => {
  describe.each(["redis", "memcached"] as const)("%s", (backend) => {
    it.each(["getOrSet", "cachedStampede"] as const)(
      "%s: 2 processes x 50 callers, 200 ms loader: one loader run in total, every caller gets its value",
      async (mode) => {
        const result = await race(backend, mode);
        expect(result.loaderRuns).toBe(1);
        expect(result.values).toHaveLength(2 * CALLERS);
        expect(new Set(result.values).size).toBe(1);
        expect(result.values[0]).toMatch(/^loaded by \d+$/);
        // Waiters see the value within a few polls of it landing, far inside the lease.
        expect(result.slowestMs).toBeGreaterThanOrEqual(LOADER_MS);
        expect(result.slowestMs).toBeLessThan(LOADER_MS + 1000);
        console.info(`${backend} ${mode}: loader runs ${result.loaderRuns}, slowest caller ${Math.round(result.slowestMs)} ms`);
      },
    );

    it("control: without the lock each process runs the loader (what the lease prevents)", async () => {
      const result = await race(backend, "none");
      expect(result.loaderRuns).toBe(2);
      expect(new Set(result.values).size).toBe(2);
    });
  });
});

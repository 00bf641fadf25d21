import type { OperationEvent } from "../events.js";
import type { Operation } from "../operations.js";
import { BasePlugin } from "./base.js";

/** Per-operation timings in seconds: `getTotal` (count), `getAvg`, `getMin`, `getMax`, … */
export type TimingStats = { [K in `${Operation}${"Total" | "Avg" | "Min" | "Max"}`]?: number };

/** Times every operation that succeeds (aiocache's TimingPlugin). Read the figures from `.stats`. */
export class TimingPlugin extends BasePlugin {
  readonly stats: TimingStats = {};

  override onOperation(event: OperationEvent): void {
    if (event.outcome === "error") return;
    const op = event.operation as Operation;
    const took = event.duration / 1000;
    const stats = this.stats;
    const count = (stats[`${op}Total`] ?? 0) + 1;
    const avg = stats[`${op}Avg`] ?? 0;
    stats[`${op}Total`] = count;
    stats[`${op}Avg`] = avg + (took - avg) / count;
    stats[`${op}Min`] = Math.min(stats[`${op}Min`] ?? took, took);
    stats[`${op}Max`] = Math.max(stats[`${op}Max`] ?? took, took);
  }
}

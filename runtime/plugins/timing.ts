import { OPERATIONS, type Operation } from "../operations.js";
import { BasePlugin, hookName, type HookContext } from "./base.js";

/** Per-operation timings in seconds: `getTotal` (count), `getAvg`, `getMin`, `getMax`, … */
export type TimingStats = { [K in `${Operation}${"Total" | "Avg" | "Min" | "Max"}`]?: number };

/** Times every operation (aiocache's TimingPlugin). Read the figures from `.stats`. */
export class TimingPlugin extends BasePlugin {
  readonly stats: TimingStats = {};

  static {
    // One post hook per operation, installed once on the prototype rather than written out 12 times.
    for (const op of OPERATIONS) {
      Object.defineProperty(TimingPlugin.prototype, hookName("post", op), {
        value(this: TimingPlugin, context: HookContext) {
          this.#record(op, context.took ?? 0);
        },
        writable: true,
        configurable: true,
      });
    }
  }

  #record(op: Operation, took: number): void {
    const stats = this.stats;
    const count = (stats[`${op}Total`] ?? 0) + 1;
    const avg = stats[`${op}Avg`] ?? 0;
    stats[`${op}Total`] = count;
    stats[`${op}Avg`] = avg + (took - avg) / count;
    stats[`${op}Min`] = Math.min(stats[`${op}Min`] ?? took, took);
    stats[`${op}Max`] = Math.max(stats[`${op}Max`] ?? took, took);
  }
}

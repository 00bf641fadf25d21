import type { OperationEvent } from "../events.js";
import { BasePlugin } from "./base.js";

/** Hit/miss counters for `get` and `multiGet` (every key of a multiGet counts). */
export interface HitMissStats {
  hits: number;
  total: number;
  /** `hits / total`, 0 before the first read. */
  hitRatio: number;
}

/** Counts cache hits and misses (aiocache's HitMissRatioPlugin). Read them from `.stats`. */
export class HitMissRatioPlugin extends BasePlugin {
  readonly stats: HitMissStats = { hits: 0, total: 0, hitRatio: 0 };

  override onOperation(event: OperationEvent): void {
    if (event.hits === undefined || event.outcome === "error") return;
    const stats = this.stats;
    stats.hits += event.hits;
    stats.total += event.keyCount;
    stats.hitRatio = stats.total === 0 ? 0 : stats.hits / stats.total;
  }
}

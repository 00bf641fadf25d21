import { BasePlugin, type HookContext } from "./base.js";

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

  override postGet(context: HookContext): void {
    this.#count(context.result === undefined ? 0 : 1, 1);
  }

  override postMultiGet(context: HookContext): void {
    const values = context.result as readonly unknown[];
    let hits = 0;
    for (const value of values) if (value !== undefined) hits++;
    this.#count(hits, values.length);
  }

  #count(hits: number, total: number): void {
    const stats = this.stats;
    stats.hits += hits;
    stats.total += total;
    stats.hitRatio = stats.total === 0 ? 0 : stats.hits / stats.total;
  }
}

import { setTimeout as sleep } from "node:timers/promises";

/**
 * The pause before retry number `attempt` (from 0): doubling from `firstMs` up to `maxMs`, half of
 * it random ("equal jitter"), so contenders in different processes spread out instead of retrying
 * in lockstep, and none waits much less than the doubling asks.
 */
export function backoffDelay(attempt: number, firstMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, firstMs * 2 ** attempt);
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** The first wait is short so a lock freed quickly, or a value landing quickly, is seen quickly. */
const FIRST_MS = 5;
/** The cap keeps a waiter's delay after the value lands small next to a typical lease. */
const MAX_MS = 100;

/** Waits between polls of a store with {@link backoffDelay}, never past `deadline` (epoch ms). */
export class Backoff {
  #attempt = 0;

  constructor(readonly deadline: number) {}

  /** Sleeps until the next attempt; `false`, without sleeping, once the deadline has passed. */
  async wait(): Promise<boolean> {
    const left = this.deadline - Date.now();
    if (left <= 0) return false;
    await sleep(Math.min(left, backoffDelay(this.#attempt++, FIRST_MS, MAX_MS)));
    return true;
  }
}

import { setTimeout as sleep } from "node:timers/promises";

/** The first wait is short so a lock freed quickly, or a value landing quickly, is seen quickly. */
const FIRST_MS = 5;
/** The cap keeps a waiter's delay after the value lands small next to a typical lease. */
const MAX_MS = 100;

/**
 * Waits between polls of a store: doubling delays with jitter (so waiters in different processes do
 * not poll in lockstep), never past `deadline` (epoch ms).
 */
export class Backoff {
  #next = FIRST_MS;

  constructor(readonly deadline: number) {}

  /** Sleeps until the next attempt; `false`, without sleeping, once the deadline has passed. */
  async wait(): Promise<boolean> {
    const left = this.deadline - Date.now();
    if (left <= 0) return false;
    const ms = Math.min(left, this.#next * (0.5 + Math.random() / 2));
    this.#next = Math.min(this.#next * 2, MAX_MS);
    await sleep(ms);
    return true;
  }
}

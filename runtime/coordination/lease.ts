import { Backoff } from "../backoff.js";

/** The store side of a leased load; each wrapper decides how its steps treat cache errors. */
export interface LeaseSteps<T> {
  /** The cached value, or `undefined` on a miss. */
  read(): Promise<T | undefined>;
  /** Produces the value (the expensive call the lease protects). */
  load(): T | Promise<T>;
  /** Stores what `load` produced. */
  write(value: T): unknown;
}

/** The lock a leased load takes: {@link RedLock} or a wrapper around it. */
export interface Lease {
  readonly leaseMs: number;
  acquire(): Promise<boolean>;
  release(): Promise<unknown>;
}

/**
 * Returns the cached value, or loads it while holding `lock`, so callers in every process share
 * one load. Waiters poll with backoff until the value lands or the lock frees up (then one of
 * them takes it); after a whole lease without either they stop waiting and load themselves.
 */
export async function loadUnderLease<T>(lock: Lease, steps: LeaseSteps<T>): Promise<T> {
  const backoff = new Backoff(Date.now() + lock.leaseMs);
  do {
    const hit = await steps.read();
    if (hit !== undefined) return hit;
    if (await lock.acquire()) {
      try {
        // The holder before us may have stored the value between our read and our acquire.
        const landed = await steps.read();
        if (landed !== undefined) return landed;
        return await loadAndWrite(steps);
      } finally {
        // A failed release only delays the next holder until the lease runs out; the value is stored.
        await lock.release().catch(() => undefined);
      }
    }
  } while (await backoff.wait());
  return loadAndWrite(steps);
}

async function loadAndWrite<T>(steps: LeaseSteps<T>): Promise<T> {
  const value = await steps.load();
  await steps.write(value);
  return value;
}

/// <reference lib="esnext.disposable" preserve="true" />
import { randomUUID } from "node:crypto";
import { Backoff } from "../backoff.js";
import type { OperationOptions } from "../cache-options.js";
import { leaseMillis, toMillis, type Duration } from "../duration.js";
import type { Pipeline } from "../pipeline/pipeline.js";

/** What a lock needs of a cache whose keys are `string | K`: its lease primitives, and the key as text. */
export type LeaseStore<K = string> = Pick<Pipeline<any, any, K>, "acquireLease" | "releaseLease" | "keyText">;

/** Options of {@link RedLock.acquire}. */
export interface AcquireOptions {
  /** Keep retrying (with backoff) for this long while another owner holds the lock. @default 0 (one try) */
  wait?: Duration;
}

/**
 * A lease lock on `key + "-lock"` (aiocache's layout; a key template's parameters are written into
 * the template first), in any cache whose backend has the atomic
 * primitives (memory, Redis, memcached). Acquire is add-if-absent with the lease as TTL; release is
 * compare-and-delete on this lock's random owner token, so an owner whose lease ran out never
 * deletes the next owner's lock. It is a lease, not a fencing token: see the README.
 */
export class RedLock<K = string> implements AsyncDisposable {
  /** The cache key of the lock entry (before namespace). */
  readonly key: string;
  /** This lock's owner token, stored as the lock entry's value. */
  readonly owner = randomUUID();
  /** The lease in milliseconds. */
  readonly leaseMs: number;
  readonly #cache: LeaseStore<K>;
  readonly #options: OperationOptions;
  /** When the last successful acquire was sent (epoch ms): the lease runs from then, at the latest. */
  #acquiredAt: number | undefined;

  constructor(cache: LeaseStore<K>, key: string | NoInfer<K>, lease: Duration, options: OperationOptions = {}) {
    const ms = leaseMillis(lease);
    this.#cache = cache;
    this.key = `${cache.keyText(key)}-lock`;
    this.leaseMs = ms;
    // Only where the lock lives and how long a call may take matter; ttl and the like do not apply.
    this.#options = { namespace: options.namespace, timeout: options.timeout };
  }

  /** Takes the lock if it is free; with `wait`, retries until it is or `wait` runs out. */
  async acquire(options: AcquireOptions = {}): Promise<boolean> {
    const backoff = new Backoff(Date.now() + (toMillis(options.wait, "wait") ?? 0));
    do {
      const sentAt = Date.now();
      if (await this.#cache.acquireLease(this.key, this.owner, this.leaseMs / 1000, this.#options)) {
        this.#acquiredAt = sentAt;
        return true;
      }
    } while (await backoff.wait());
    return false;
  }

  /** Whether this owner holds the lock as far as it can tell: acquired, released not yet, lease not run out. */
  get held(): boolean {
    return this.#acquiredAt !== undefined && Date.now() < this.#acquiredAt + this.leaseMs;
  }

  /**
   * Deletes the lock entry if it still holds this owner's token. `false` when this owner did not
   * hold it, or its lease ran out (the entry expired or belongs to a new owner, which keeps it).
   */
  async release(): Promise<boolean> {
    if (this.#acquiredAt === undefined) return false;
    this.#acquiredAt = undefined;
    return this.#cache.releaseLease(this.key, this.owner, this.#options);
  }

  /** `await using lock = new RedLock(...)` releases on scope exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

import { setTimeout as sleep } from "node:timers/promises";
import {
  after,
  KEEP_TTL,
  parseDecimal,
  type Backend,
  type MaybePromise,
  type TtlMs,
  type Versioned,
} from "../backends/backend.js";
import { backoffDelay } from "../backoff.js";
import { BackendError, NotAnIntegerError } from "../errors.js";
import { storedText } from "../serializers/serializer.js";

/** Lost races after which a compare-and-set update gives up. */
export const CAS_ATTEMPTS = 32;

/** What an update writes for the version read (`undefined`: the key is absent), and what it returns once written. */
export type CasUpdate<R> = (current: Versioned | undefined) => {
  readonly value: unknown;
  readonly ttl: TtlMs;
  readonly result: R;
};

/**
 * Read-modify-write through compare-and-set: reads the stored value with its version, writes the
 * update only if nobody wrote in between, and after a lost race retries after a jittered, growing
 * pause, so contenders spread out instead of colliding again. A synchronous store answers read and
 * write in one step, so it never loses a race.
 */
export function compareAndSet<R>(
  store: Backend,
  key: string,
  namespace: string,
  update: CasUpdate<R>,
  attempt = 0,
): MaybePromise<R> {
  return after(store.getVersioned(key, namespace), (current) => {
    const next = update(current);
    return after(store.setIfVersion(key, next.value, current, next.ttl, namespace), (written) => {
      if (written) return next.result;
      if (attempt + 1 >= CAS_ATTEMPTS) {
        throw new BackendError(
          store.name,
          `Updating ${JSON.stringify(key)} lost ${CAS_ATTEMPTS} compare-and-set races in a row. ` +
            `Write the key less often, or for hot counters use the json or string serializer: they increment natively.`,
        );
      }
      return sleep(backoffDelay(attempt, 1, 50)).then(() => compareAndSet(store, key, namespace, update, attempt + 1));
    });
  });
}

/** How a counter is stored: its number from what the store holds, and what to store for a number. */
export interface CounterFormat {
  read(key: string, stored: unknown): number;
  write(key: string, value: number): unknown;
}

/** Counters of serializers with `decimalIntegers`: decimal text, as native increments leave them. */
export const DECIMAL_COUNTER: CounterFormat = {
  read(key, stored) {
    let text: string;
    try {
      text = storedText(stored);
    } catch (cause) {
      throw new NotAnIntegerError(key, { cause });
    }
    return parseDecimal(key, text);
  },
  write: (_, value) => String(value),
};

/** Adds `delta` to the counter at `key` by compare-and-set, creating it at `delta`; the key keeps its expiry. */
export function incrementByVersion(
  store: Backend,
  key: string,
  delta: number,
  namespace: string,
  format: CounterFormat,
): MaybePromise<number> {
  return compareAndSet(store, key, namespace, (current) => {
    const next = (current === undefined ? 0 : format.read(key, current.value)) + delta;
    if (!Number.isSafeInteger(next)) throw new NotAnIntegerError(key);
    return { value: format.write(key, next), ttl: current === undefined ? null : KEEP_TTL, result: next };
  });
}

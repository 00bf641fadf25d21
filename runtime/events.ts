import { channel } from "node:diagnostics_channel";

/**
 * The `node:diagnostics_channel` names cachegen publishes on, one per kind of event. Subscribe with
 * `diagnostics_channel.subscribe(name, listener)`; with no subscriber nothing is built or sent.
 */
export const CHANNELS = {
  /** Every cache operation, once it has settled: an {@link OperationEvent}. */
  operation: "cachegen:operation",
  /** Every loader run of `getOrSet`, once it has settled: a {@link LoaderEvent}. */
  loader: "cachegen:loader",
  /** A circuit breaker changed state: a {@link BreakerEvent}. */
  breaker: "cachegen:breaker",
  /** A bus went up or down, or cleared its local tier to recover: a {@link BusEvent}. */
  bus: "cachegen:bus",
  /** An alias that stores envelopes read a plain value, treated as a miss: a {@link LayoutMismatchEvent}. */
  layoutMismatch: "cachegen:layout-mismatch",
} as const;

/** How an operation ended: a read found its key(s) or not, anything else went fine, or it failed. */
export type Outcome = "hit" | "miss" | "ok" | "error";

/** One settled cache operation. */
export interface OperationEvent {
  /** The registry alias the cache was built for; `undefined` for a cache built in code without one. */
  readonly alias: string | undefined;
  /** The backend's name: `memory`, `redis`, `memcached`, or a user backend's. */
  readonly backend: string;
  /** `get`, `multiGet`, `set`, … */
  readonly operation: string;
  /** How many keys the operation touched: 1 for single-key operations, 0 for clear and raw. */
  readonly keyCount: number;
  /** Keys found, for `get` and `multiGet`; `undefined` for other operations. */
  readonly hits: number | undefined;
  /** `hit` when every key was found, `miss` when one was not; `ok` or `error` for other operations. */
  readonly outcome: Outcome;
  /**
   * The error's `code` (`E_TIMEOUT`, `E_BACKEND`, …) when the outcome is `error`; on a `miss`, the
   * code of a bad stored value read as one (`E_SERIALIZE`, `E_VALUE_INVALID`: `on_bad_value: "miss"`).
   */
  readonly errorCode: string | undefined;
  /** The error itself, when {@link errorCode} is set. */
  readonly error: unknown;
  /** When the operation started, in epoch milliseconds (sub-millisecond precision). */
  readonly startTime: number;
  /** How long the store took, in milliseconds. */
  readonly duration: number;
}

/** One settled loader run of `getOrSet`. */
export interface LoaderEvent {
  readonly alias: string | undefined;
  /** The key as the caller passed it. */
  readonly key: string;
  /** `ok`, or `error` when the loader threw. */
  readonly outcome: "ok" | "error";
  readonly errorCode: string | undefined;
  readonly error: unknown;
  readonly startTime: number;
  readonly duration: number;
}

/** A circuit breaker's change of state. */
export interface BreakerEvent {
  readonly alias: string | undefined;
  readonly backend: string;
  readonly state: "closed" | "open" | "half-open";
  readonly previous: "closed" | "open" | "half-open";
}

/**
 * A bus's change of state (`up`, `down`), a recovery (`recover`: the local tier was cleared), or a
 * peer's invalidation applied to the local tier (`message`).
 */
export interface BusEvent {
  readonly alias: string | undefined;
  readonly channel: string;
  readonly event: "up" | "down" | "recover" | "message";
  /** Why: the transport's reason, `reconnect` / `gap` for a recovery, the message's `op`. */
  readonly reason: string;
  /** The invalidation, for `message`: its built keys, or tags and time. */
  readonly invalidation?: unknown;
}

/** A plain stored value read by an alias that stores envelopes (it was written before the alias changed layout). */
export interface LayoutMismatchEvent {
  readonly alias: string | undefined;
  /** The stored key. */
  readonly key: string;
}

/** Receives events; it must not throw (what it throws is reported as an uncaught exception). */
export type EventListener<E> = (event: E) => void;

/** A channel as publishers use it (typed here so cachegen's declarations need no Node types). */
export interface Publisher {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** The published channels: modules check `hasSubscribers` before building an event. */
export const operationChannel: Publisher = channel(CHANNELS.operation);
export const loaderChannel: Publisher = channel(CHANNELS.loader);
export const breakerChannel: Publisher = channel(CHANNELS.breaker);
export const busChannel: Publisher = channel(CHANNELS.bus);
export const layoutChannel: Publisher = channel(CHANNELS.layoutMismatch);

/** An error's stable code: a cachegen error's `code`, a system error's (`ECONNRESET`), else its name. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.name : "Error";
}

/** Epoch milliseconds of a `performance.now()` reading. */
export function epochMs(now: number): number {
  return performance.timeOrigin + now;
}

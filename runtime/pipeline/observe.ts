import type { MaybePromise } from "../backends/backend.js";
import type { Reporter } from "../deadline.js";
import { epochMs, errorCode, operationChannel, type EventListener, type OperationEvent } from "../events.js";
import type { Operation } from "../operations.js";
import type { BasePlugin, HookContext } from "../plugins/base.js";
import type { OperationHooks } from "../plugins/hooks.js";

/** Who watches one cache's operations besides the channel's subscribers. */
export interface Observation {
  readonly alias: string | undefined;
  readonly backend: string;
  /** Plugins' `onOperation` and the cache's telemetry listener. */
  readonly listeners: readonly EventListener<OperationEvent>[];
}

/** Collects a cache's event listeners once, at construction. */
export function observation(
  alias: string | undefined,
  backend: string,
  plugins: readonly BasePlugin[],
  telemetry: EventListener<OperationEvent> | undefined,
): Observation {
  const listeners = plugins.flatMap((p) => (p.onOperation === undefined ? [] : [p.onOperation.bind(p)]));
  if (telemetry !== undefined) listeners.push(telemetry);
  return { alias, backend, listeners };
}

/** Whether an operation needs an event: checked per call, since a channel subscriber may come at any time. */
export function observe(observation: Observation): boolean {
  return observation.listeners.length > 0 || operationChannel.hasSubscribers;
}

/** One operation being watched: what its event will say besides the outcome, which it is told. */
export class Watch implements Reporter {
  readonly #start = performance.now();
  /** The first bad stored value the operation read as a miss (`onBadValue: "miss"`). */
  #bad: unknown;

  constructor(
    readonly observation: Observation,
    readonly op: Operation,
    /** Keys the operation touched. */
    readonly keyCount: number,
  ) {}

  /** Tells the event that a stored value failed to decode or validate and was read as a miss. */
  badValue(error: unknown): void {
    this.#bad ??= error;
  }

  /** Builds the event and hands it to the listeners and the channel's subscribers. */
  report(result: unknown, error: unknown, failed: boolean): void {
    const duration = performance.now() - this.#start;
    const { observation, op, keyCount } = this;
    const hits = op === "get" ? (result === undefined ? 0 : 1) : op === "multiGet" ? countHits(result) : undefined;
    // A bad value read as a miss is no failure, but its event names it as one would.
    const noted = failed || this.#bad !== undefined;
    const cause = failed ? error : this.#bad;
    const event: OperationEvent = {
      alias: observation.alias,
      backend: observation.backend,
      operation: op,
      keyCount,
      hits,
      outcome: failed ? "error" : hits === undefined ? "ok" : hits === keyCount ? "hit" : "miss",
      errorCode: noted ? errorCode(cause) : undefined,
      error: cause,
      startTime: epochMs(this.#start),
      duration,
    };
    for (const listener of observation.listeners) listener(event);
    if (operationChannel.hasSubscribers) operationChannel.publish(event);
  }
}

/**
 * Runs an operation between its plugins' `pre` hooks (in order; a throw aborts) and `post` hooks
 * (with `took` and `result`), reporting its event when someone listens.
 */
export async function hooked<R>(
  observation: Observation,
  hooks: OperationHooks,
  context: HookContext,
  call: (watch: Watch | undefined) => MaybePromise<R>,
  settle: (result: MaybePromise<R>) => Promise<R>,
): Promise<R> {
  for (const hook of hooks.pre) await hook(context);
  const keys = keyCount(context.key, context.keys!);
  const watch = observe(observation) ? new Watch(observation, context.op, keys) : undefined;
  const start = performance.now();
  let result: R;
  try {
    result = await settle(call(watch));
  } catch (error) {
    watch?.report(undefined, error, true);
    throw error;
  }
  context.took = (performance.now() - start) / 1000;
  context.result = result;
  watch?.report(result, undefined, false);
  for (const hook of hooks.post) await hook(context);
  return result;
}

/** The keys an operation touched: its built keys, or its one key, or none (clear, raw). */
export function keyCount(key: unknown, keys: readonly string[]): number {
  return keys.length > 0 ? keys.length : key === undefined ? 0 : 1;
}

function countHits(result: unknown): number {
  let hits = 0;
  for (const value of result as readonly unknown[]) if (value !== undefined) hits++;
  return hits;
}

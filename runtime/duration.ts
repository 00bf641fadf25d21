import { ConfigError } from "./errors.js";

/** A duration unit accepted in strings such as `"250ms"` or `"5m"`. */
export type DurationUnit = "ms" | "s" | "m" | "h" | "d";

/**
 * A duration: a number of seconds (fractions allowed, as in aiocache and Redis) or a string such
 * as `"250ms"`, `"10s"`, `"5m"`, `"1h"`, `"1d"`. `0` and `null` mean "none" (no expiry, no timeout).
 */
export type Duration = number | `${number}${DurationUnit}` | null;

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Whether `value` is a duration string such as `"250ms"` or `"5m"` (the schema's pattern). */
export function isDurationString(value: string): boolean {
  return DURATION.test(value);
}

/**
 * Converts a duration to whole milliseconds, or `null` for "none" (`0`, `null`).
 * A positive duration below 1 ms rounds up to 1 ms so it never turns into "forever".
 */
export function toMillis(value: Duration | undefined, field = "duration"): number | null {
  if (value === null || value === undefined || value === 0) return null;
  let ms: number;
  if (typeof value === "number") {
    ms = value * 1000;
  } else {
    const match = DURATION.exec(value);
    if (!match) throw invalid(value, field);
    ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  if (!Number.isFinite(ms) || ms < 0) throw invalid(value, field);
  return ms === 0 ? null : Math.max(1, Math.ceil(ms));
}

/** The per-operation timeout when none is configured, in seconds. */
export const DEFAULT_TIMEOUT = 5;

/** A cache's per-operation timeout in ms (`null`: none), its default applied. */
export function timeoutMillis(timeout: Duration | undefined): number | null {
  return timerMillis(timeout === undefined ? DEFAULT_TIMEOUT : timeout, "timeout");
}

/** The longest delay a Node timer holds: longer ones fire after 1 ms instead. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * {@link toMillis} for a duration that a timer will wait for (a timeout): one longer than a timer
 * can hold is a `ConfigError`, since Node would fire it after 1 ms and fail every operation.
 */
export function timerMillis(value: Duration | undefined, field = "duration"): number | null {
  const ms = toMillis(value, field);
  if (ms !== null && ms > MAX_TIMER_MS) {
    throw new ConfigError([
      {
        path: field,
        message: `${JSON.stringify(value)} is longer than a timer can wait (${MAX_TIMER_MS / 1000} s, about 24.8 days); use a shorter duration, or 0 or null for none`,
      },
    ]);
  }
  return ms;
}

/** A lease in milliseconds; a lock without expiry would outlive a crashed owner, so none is refused. */
export function leaseMillis(lease: Duration): number {
  const ms = toMillis(lease, "lease");
  if (ms === null) throw new RangeError(`lease must be a positive duration, got ${JSON.stringify(lease)}`);
  return ms;
}

/** Converts a duration to seconds as configured (for `cache.ttl` / `cache.timeout`), or `null`. */
export function toSeconds(value: Duration | undefined, field = "duration"): number | null {
  const ms = toMillis(value, field);
  return ms === null ? null : ms / 1000;
}

function invalid(value: unknown, field: string): ConfigError {
  return new ConfigError([
    {
      path: field,
      message: `${JSON.stringify(value)} is not a duration; use seconds (e.g. 1.5) or a string such as "250ms", "10s", "5m", "1h", "1d"`,
    },
  ]);
}

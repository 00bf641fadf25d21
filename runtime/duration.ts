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

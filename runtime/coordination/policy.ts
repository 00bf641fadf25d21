import { timerMillis, toMillis, type Duration } from "../duration.js";
import { ConfigError } from "../errors.js";
import type { PolicyOptions } from "../policy-options.js";

/** `getOrSet`'s policies in milliseconds, as one call applies them. */
export interface Policy {
  /** How long past its logical expiry an entry may be served as a fallback; 0 for none. */
  readonly graceMs: number;
  /** After a failed refresh, how long the stale value is served before the loader runs again. */
  readonly backoffMs: number;
  /** With a stale value, answer with it after this long (0: at once); `undefined` waits for the loader. */
  readonly softMs: number | undefined;
  /** Give up on the loader after this long; `undefined` waits for it. */
  readonly hardMs: number | undefined;
  /** Fraction of the TTL after which a hit refreshes in the background; `undefined` for never. */
  readonly eager: number | undefined;
  /** Most random extra TTL per write; 0 for none. */
  readonly jitterMs: number;
}

/** bentocache's default: a source that just failed is given this long before it is asked again. */
export const DEFAULT_GRACE_BACKOFF_MS = 10_000;

const NONE: Policy = { graceMs: 0, backoffMs: 0, softMs: undefined, hardMs: undefined, eager: undefined, jitterMs: 0 };

/**
 * The policies of `options` on top of `base` (the alias's, or none): each field given replaces the
 * base's. Inconsistent settings (a hard timeout below the soft one, a fraction outside (0, 1)) are a
 * `ConfigError` naming the field.
 */
export function resolvePolicy(options: PolicyOptions | undefined, base: Policy = NONE): Policy {
  if (options === undefined) return base;
  const { grace, graceBackoff, loaderSoftTimeout, loaderHardTimeout, eagerRefresh, ttlJitter } = options;
  if (
    grace === undefined &&
    graceBackoff === undefined &&
    loaderSoftTimeout === undefined &&
    loaderHardTimeout === undefined &&
    eagerRefresh === undefined &&
    ttlJitter === undefined
  )
    return base;
  const graceMs = grace === undefined ? base.graceMs : (toMillis(grace, "grace") ?? 0);
  const policy: Policy = {
    graceMs,
    backoffMs:
      graceBackoff === undefined
        ? base.backoffMs || (graceMs > 0 ? DEFAULT_GRACE_BACKOFF_MS : 0)
        : (toMillis(graceBackoff, "graceBackoff") ?? 0),
    softMs: loaderSoftTimeout === undefined ? base.softMs : timer(loaderSoftTimeout, "loaderSoftTimeout"),
    hardMs: loaderHardTimeout === undefined ? base.hardMs : timer(loaderHardTimeout, "loaderHardTimeout") || undefined,
    eager: eagerRefresh === undefined ? base.eager : fraction(eagerRefresh),
    jitterMs: ttlJitter === undefined ? base.jitterMs : (toMillis(ttlJitter, "ttlJitter") ?? 0),
  };
  if (policy.softMs !== undefined && policy.hardMs !== undefined && policy.hardMs <= policy.softMs) {
    throw problem(
      "loaderHardTimeout",
      `${policy.hardMs} ms is not above loaderSoftTimeout (${policy.softMs} ms): the soft timeout answers with a stale value first, the hard one gives up later`,
    );
  }
  return policy;
}

/** A TTL in ms with `0..jitterMs` added; `null` (no expiry) stays so. */
export function jittered(ttlMs: number | null, jitterMs: number): number | null {
  return ttlMs === null || jitterMs === 0 ? ttlMs : ttlMs + Math.floor(Math.random() * (jitterMs + 1));
}

/** A timer's ms where `0` means "at once" rather than "none"; `null`/absent is none. */
function timer(value: Duration, field: string): number | undefined {
  if (value === null) return undefined;
  return timerMillis(value, field) ?? 0;
}

function fraction(value: number | null): number | undefined {
  if (value === null) return undefined;
  if (!(value > 0 && value < 1)) {
    throw problem("eagerRefresh", `${value} is not a fraction of the TTL strictly between 0 and 1 (e.g. 0.8)`);
  }
  return value;
}

function problem(path: string, message: string): ConfigError {
  return new ConfigError([{ path, message }]);
}

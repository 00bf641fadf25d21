import { MAX_TIMER_MS } from "../duration.js";

/** The least time a silent connection is given before it is dropped, whatever the timeout. */
const MIN_STALL_MS = 1000;

/**
 * How long a connection that owes replies may stay silent before it is dropped and reopened: twice
 * the operation timeout (at least a second), so an operation's own timeout always fires first and
 * callers see `CacheTimeoutError`, while a stalled connection still cannot hold replies forever.
 */
export function stallLimitMs(timeoutMs: number | null): number | undefined {
  return timeoutMs === null ? undefined : Math.min(MAX_TIMER_MS, Math.max(MIN_STALL_MS, timeoutMs * 2));
}

/** A serializer's output as a remote store sends it: the string itself, or a Buffer (a view, never a copy). */
export function textOrBuffer(value: unknown, backend: string): string | Buffer {
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${backend} stores text or bytes, got ${typeof value}`);
}

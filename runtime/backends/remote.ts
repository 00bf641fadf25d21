import { ConfigError } from "../errors.js";
import type { Serializer } from "../serializers/serializer.js";

/** The least time a silent connection is given before it is dropped, whatever the timeout. */
const MIN_STALL_MS = 1000;

/**
 * How long a connection that owes replies may stay silent before it is dropped and reopened: twice
 * the operation timeout (at least a second), so an operation's own timeout always fires first and
 * callers see `CacheTimeoutError`, while a stalled connection still cannot hold replies forever.
 */
export function stallLimitMs(timeoutSeconds: number | null): number | undefined {
  return timeoutSeconds === null ? undefined : Math.max(MIN_STALL_MS, timeoutSeconds * 2000);
}

/** A serializer's output as a remote store sends it: the string itself, or a Buffer (a view, never a copy). */
export function textOrBuffer(value: unknown, backend: string): string | Buffer {
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`${backend} stores text or bytes, got ${typeof value}`);
}

/** Remote stores hold bytes: a serializer that keeps objects by reference (`null`) cannot work. */
export function requireBytes(serializer: Serializer, backend: string): void {
  if (serializer.format === "object") {
    throw new ConfigError([
      {
        path: "serializer",
        message: `the ${serializer.name} serializer keeps objects in memory; ${backend} stores bytes: use json, string, v8 or msgpack`,
      },
    ]);
  }
}

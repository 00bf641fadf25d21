import { InvalidKeyError } from "../errors.js";
import type { TtlMs } from "./backend.js";

/** Memcached's key limit, in bytes. */
export const MAX_KEY_BYTES = 250;
/** Bytes an item needs besides key and value (header, CAS, terminators), measured on 1.6. */
const ITEM_OVERHEAD_BYTES = 64;
/** What the text protocol cannot carry in a key: whitespace and control characters. */
export const INVALID_KEY = /[\s\p{Cc}]/u;
/** Relative expiry times above this are read by memcached as Unix timestamps. */
const MAX_RELATIVE_SECONDS = 30 * 24 * 3600;

/** Refuses, before anything is sent, a key the text protocol cannot carry. */
export function checkKey(key: string, shown: string, suffixBytes: number): void {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES || bytes === 0) {
    const extra = suffixBytes > 0 ? ` (with its ${suffixBytes}-byte namespace generation suffix)` : "";
    throw new InvalidKeyError(
      "memcached",
      shown,
      `Memcached key ${preview(shown)} is ${bytes} bytes${extra}; memcached keys are 1 to ${MAX_KEY_BYTES} bytes. ` +
        `Use a shorter key or namespace, or a key_builder that hashes long keys.`,
    );
  }
  if (INVALID_KEY.test(key)) {
    throw new InvalidKeyError(
      "memcached",
      shown,
      `Memcached key ${preview(shown)} contains whitespace or a control character, which the memcached protocol cannot carry. ` +
        `Use a key_builder that encodes such keys (for example base64url).`,
    );
  }
}

/** Refuses, before anything is sent, a value the server would reject as larger than its item size. */
export function checkValueSize(key: string, valueBytes: number, itemSize: number): void {
  const total = valueBytes + Buffer.byteLength(key) + ITEM_OVERHEAD_BYTES;
  if (total > itemSize) {
    throw new InvalidKeyError(
      "memcached",
      key,
      `Value for memcached key ${preview(key)} is ${valueBytes} bytes; with its key and item header it exceeds the ` +
        `item size of ${itemSize} bytes. Store smaller values, or start memcached with a larger -I and set itemSize to match.`,
    );
  }
}

/**
 * Seconds added to every TTL. Memcached expires by a clock that ticks once a second and, re-armed
 * after each tick, can lag real time by up to a second more: exptime n may live barely n-2 seconds.
 */
const CLOCK_SLACK_SECONDS = 2;

/**
 * Memcached's exptime for a TTL: rounded up to whole seconds plus {@link CLOCK_SLACK_SECONDS}, so
 * an entry lives at least its TTL and at most two seconds more. Beyond 30 days memcached wants an
 * absolute Unix time.
 */
export function exptime(ttl: TtlMs): number {
  if (ttl === null) return 0;
  const seconds = Math.ceil(ttl / 1000) + CLOCK_SLACK_SECONDS;
  return seconds > MAX_RELATIVE_SECONDS ? Math.floor(Date.now() / 1000) + seconds : seconds;
}

/** The TTL memcached reports (`t` flag: seconds left, -1 for none) in ms, less the added slack. */
export function remainingMs(reported: number): number | null {
  return reported === -1 ? null : Math.max(0, reported - CLOCK_SLACK_SECONDS) * 1000;
}

function preview(key: string): string {
  return JSON.stringify(key.length > 60 ? `${key.slice(0, 57)}...` : key);
}

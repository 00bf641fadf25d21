import { SerializationError } from "../errors.js";

/**
 * The first byte of every envelope. No serializer's output starts with it: 0xC1 never occurs in
 * UTF-8 (string, json), MessagePack never uses it, and v8 output starts with 0xFF.
 */
export const ENVELOPE_MAGIC = 0xc1;
/** The envelope layout this code writes; it reads no other. */
export const ENVELOPE_VERSION = 1;

/**
 * The config fields that make an alias store envelopes, each with its runtime option's name: the
 * one list the runtime and `cachegen generate --check` ("stored values incompatible") read.
 */
export const ENVELOPE_FIELDS = { grace: "grace", eager_refresh: "eagerRefresh", tags: "tags" } as const;

/**
 * Whether settings (a config alias, with `names` its snake_case fields, or cache options, with
 * their camelCase ones) turn the envelope layout on: any of {@link ENVELOPE_FIELDS} set to
 * something other than `false`, `0` or `null`.
 */
export function usesEnvelope(settings: Readonly<Record<string, unknown>>, names: "config" | "options"): boolean {
  return Object.entries(ENVELOPE_FIELDS).some(([config, option]) => {
    const value = settings[names === "config" ? config : option];
    return value !== undefined && value !== null && value !== false && value !== 0;
  });
}

const HAS_EXPIRY = 0b001;
const HAS_TAGS = 0b010;
const STALE = 0b100;
const KNOWN_FLAGS = HAS_EXPIRY | HAS_TAGS | STALE;
/** magic, version, flags, created-at (uint48) */
const FIXED_BYTES = 9;
const UINT48_MAX = 2 ** 48 - 1;
const UINT16_MAX = 0xffff;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What an envelope says about the value it carries. */
export interface EnvelopeMeta {
  /** When the value was produced (a loader's start, a `set` call), epoch ms. */
  readonly createdAt: number;
  /** When the value logically expires, epoch ms; `undefined` for never. */
  readonly expiresAt?: number | undefined;
  /** The value's tags, for `deleteByTag`; empty for none. */
  readonly tags: readonly string[];
  /** Expired early (by `expire()` or a bus message): served only as a fail-safe fallback. */
  readonly stale: boolean;
}

/** A decoded envelope: its metadata and the serializer's payload (a view into the stored bytes). */
export interface DecodedEnvelope extends EnvelopeMeta {
  readonly payload: Uint8Array;
}

/** The envelope's object form, kept by memory stores and the local tier: the value by reference, nothing encoded. */
export class EnvelopeEntry<V = unknown> implements EnvelopeMeta {
  constructor(
    readonly value: V,
    readonly createdAt: number,
    readonly expiresAt?: number,
    readonly tags: readonly string[] = [],
    readonly stale = false,
  ) {}
}

/** True when stored bytes are an envelope rather than a serializer's plain output (one byte compare). */
export function isEnvelope(stored: unknown): boolean {
  return stored instanceof Uint8Array && stored[0] === ENVELOPE_MAGIC;
}

/**
 * Wraps a serializer's output (text is written as UTF-8) in the envelope header:
 * `C1 | version | flags | created-at u48 | [expires-at u48] | [u16 count, (u16 length, UTF-8 tag)…] | payload`,
 * integers big-endian. Throws `RangeError` for metadata the layout cannot hold.
 */
export function encodeEnvelope(meta: EnvelopeMeta, payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const tags = meta.tags.map((tag) => Buffer.from(tag));
  if (tags.length > UINT16_MAX) throw new RangeError(`an entry holds at most ${UINT16_MAX} tags, got ${tags.length}`);
  for (const tag of tags) {
    if (tag.length > UINT16_MAX) throw new RangeError(`a tag is at most ${UINT16_MAX} UTF-8 bytes, got ${tag.length}`);
  }
  const hasExpiry = meta.expiresAt !== undefined;
  const tagBytes = tags.length === 0 ? 0 : 2 + tags.reduce((sum, tag) => sum + 2 + tag.length, 0);
  const out = Buffer.allocUnsafe(FIXED_BYTES + (hasExpiry ? 6 : 0) + tagBytes + body.length);
  out[0] = ENVELOPE_MAGIC;
  out[1] = ENVELOPE_VERSION;
  out[2] = (hasExpiry ? HAS_EXPIRY : 0) | (tags.length > 0 ? HAS_TAGS : 0) | (meta.stale ? STALE : 0);
  out.writeUIntBE(timestamp(meta.createdAt, "createdAt"), 3, 6);
  let at = FIXED_BYTES;
  if (hasExpiry) at = out.writeUIntBE(timestamp(meta.expiresAt, "expiresAt"), at, 6);
  if (tags.length > 0) {
    at = out.writeUInt16BE(tags.length, at);
    for (const tag of tags) {
      at = out.writeUInt16BE(tag.length, at);
      at += tag.copy(out, at);
    }
  }
  out.set(body, at);
  return out;
}

/**
 * Reads an envelope. Bytes that are not one (no magic), another version, unknown flags, or a
 * header cut short throw `SerializationError` naming `key`, never a wrong value.
 */
export function decodeEnvelope(stored: unknown, key: string): DecodedEnvelope {
  const fail = (detail: string) => new SerializationError(key, "envelope", "decode", { detail });
  if (!(stored instanceof Uint8Array)) throw fail(`expected bytes, found ${typeof stored}`);
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes.length === 0 || bytes[0] !== ENVELOPE_MAGIC) {
    throw fail("no envelope header: the value was written without metadata (another alias or layout)");
  }
  if (bytes.length < FIXED_BYTES) throw fail(`truncated header: ${bytes.length} of at least ${FIXED_BYTES} bytes`);
  if (bytes[1] !== ENVELOPE_VERSION) {
    throw fail(`envelope version ${bytes[1]} is not ${ENVELOPE_VERSION}: written by another cachegen version`);
  }
  const flags = bytes[2]!;
  if ((flags & ~KNOWN_FLAGS) !== 0) throw fail(`unknown flags 0x${flags.toString(16)}`);
  let at = FIXED_BYTES;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) throw fail(`truncated ${what}: needs ${n} bytes at offset ${at} of ${bytes.length}`);
  };
  const createdAt = bytes.readUIntBE(3, 6);
  let expiresAt: number | undefined;
  if (flags & HAS_EXPIRY) {
    need(6, "expiry");
    expiresAt = bytes.readUIntBE(at, 6);
    at += 6;
  }
  const tags: string[] = [];
  if (flags & HAS_TAGS) {
    need(2, "tag count");
    const count = bytes.readUInt16BE(at);
    at += 2;
    for (let i = 0; i < count; i++) {
      need(2, `tag ${i} length`);
      const length = bytes.readUInt16BE(at);
      at += 2;
      need(length, `tag ${i}`);
      try {
        tags.push(utf8.decode(bytes.subarray(at, at + length)));
      } catch {
        throw fail(`tag ${i} is not UTF-8`);
      }
      at += length;
    }
  }
  return { createdAt, expiresAt, tags, stale: (flags & STALE) !== 0, payload: bytes.subarray(at) };
}

function timestamp(ms: number | undefined, field: string): number {
  if (ms === undefined || !Number.isInteger(ms) || ms < 0 || ms > UINT48_MAX) {
    throw new RangeError(`${field} must be whole epoch milliseconds (0 to 2^48-1), got ${ms}`);
  }
  return ms;
}

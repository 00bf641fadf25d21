/**
 * What a serializer hands to a backend: text (string, json), bytes (v8, msgpack), or the value
 * itself (the `null` serializer, memory only).
 */
export type StoredFormat = "text" | "binary" | "object";

/**
 * Turns values of type `V` into what a backend stores, and back. `decode` must throw on data it
 * did not write; the cache wraps that into a `SerializationError` naming the key and serializer.
 */
export interface Serializer<V = unknown> {
  /** Short name used in error messages, e.g. `json`. */
  readonly name: string;
  /** What `encode` returns, so a backend knows whether to fetch strings or bytes. */
  readonly format: StoredFormat;
  /**
   * True when an integer is stored as its decimal text, so backends may increment natively
   * (Redis INCRBY, memcached incr) and a later `get` still decodes the counter.
   */
  readonly decimalIntegers: boolean;
  encode(value: V): unknown;
  decode(stored: unknown): V;
}

/** The type of values a serializer handles. */
export type ValueOf<S> = S extends Serializer<infer V> ? V : never;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes stored text; bytes that are not valid UTF-8 were not written by a text serializer. */
export function storedText(stored: unknown): string {
  if (typeof stored === "string") return stored;
  if (stored instanceof Uint8Array) return utf8.decode(stored);
  throw new TypeError(`expected text, found ${describe(stored)}`);
}

/** Returns stored bytes; text was not written by a binary serializer. */
export function storedBytes(stored: unknown): Uint8Array {
  if (stored instanceof Uint8Array) return stored;
  throw new TypeError(`expected bytes, found ${describe(stored)}`);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  // an object made with Object.create(null) has no constructor
  const constructor = (value as { constructor?: { name: string } }).constructor;
  return constructor?.name ?? "object";
}

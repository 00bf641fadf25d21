import type { Options } from "msgpackr";
import { requireOptional } from "../optional-require.js";
import { storedBytes, type Serializer } from "./serializer.js";

/** The msgpackr exports cachegen uses; msgpackr is an optional peer dependency, loaded on first use. */
type Msgpackr = Pick<typeof import("msgpackr"), "C1" | "Packr">;

/** msgpackr's options as its code reads them: `int64AsType: "auto"` works but is missing from its types. */
type PackrOptions = Omit<Options, "int64AsType"> & { int64AsType?: Options["int64AsType"] | "auto" };

const OPTIONS: PackrOptions = {
  // Plain MessagePack that other languages read (Python's msgpack, aiocache's MsgPackSerializer):
  // maps rather than msgpackr records, `bin` for byte arrays rather than msgpackr's typed-array
  // extension, arrays for Sets.
  useRecords: false,
  moreTypes: false,
  // int64/uint64 within ±2^53 decode as numbers, wider ones as bigint (the only exact choice).
  int64AsType: "auto",
  // A bigint beyond 64 bits still encodes, as msgpackr's extension (readable by msgpackr only).
  useBigIntExtension: true,
  // `bin` decodes into its own Uint8Array, not a view that pins the stored bytes.
  copyBuffers: true,
};

const INT32_MIN = -0x8000_0000;
const UINT32_MAX = 0xffff_ffff;

/**
 * MessagePack via msgpackr: compact, fast, and readable from other languages. Maps decode as
 * plain objects and Sets as arrays (MessagePack has one map and one array type); use `v8` to keep
 * Map, Set and bigint. Integers keep their kind across languages: a safe integer beyond 32 bits is
 * written as int64 (msgpackr alone writes it as a float, which Python reads as `5000000000.0`),
 * and an int64 read back within ±2^53 is a number. Decoding rejects trailing bytes, so truncated
 * or foreign data is an error rather than a wrong value. msgpackr is an optional peer dependency:
 * constructing this serializer without it installed throws {@link MissingDependencyError}.
 */
export class MsgPackSerializer<V = unknown> implements Serializer<V> {
  readonly name = "msgpack";
  readonly format = "binary";
  readonly decimalIntegers = false;
  readonly #msgpackr = requireOptional("msgpackr", "MessagePack serializer (MsgPackSerializer)") as Msgpackr;
  readonly #packr = new this.#msgpackr.Packr(OPTIONS as Options);

  encode(value: V): Uint8Array {
    // msgpackr packs into a shared scratch buffer; copy so a stored value does not pin it.
    return Uint8Array.prototype.slice.call(this.#packr.pack(widenIntegers(value)));
  }

  decode(stored: unknown): V {
    const bytes = storedBytes(stored);
    // From a Buffer (what Redis hands back), msgpackr decodes `bin` as a Buffer; from a plain view,
    // as the Uint8Array that was stored.
    const value: unknown = this.#packr.unpack(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    // 0xC1 is the one byte MessagePack never uses; msgpackr surfaces it instead of throwing.
    if (value === this.#msgpackr.C1) throw new TypeError("found the reserved MessagePack byte 0xC1");
    return value as V;
  }
}

/**
 * `value` with every safe integer outside the 32-bit ranges as a bigint, which msgpackr writes as
 * int64/uint64. Copy on write: a container is copied only when something inside it changed, so a
 * value without such integers is returned as is. Class instances other than Map are left alone.
 */
function widenIntegers(value: unknown): unknown {
  if (typeof value === "number") {
    return (value > UINT32_MAX || value < INT32_MIN) && Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const wide = widenIntegers(items[i]);
      if (wide !== items[i]) (copy ??= [...items])[i] = wide;
    }
    return copy ?? value;
  }
  if (value instanceof Map) {
    const entries: [unknown, unknown][] = [];
    let changed = false;
    for (const [key, item] of value as Map<unknown, unknown>) {
      const entry: [unknown, unknown] = [widenIntegers(key), widenIntegers(item)];
      changed ||= entry[0] !== key || entry[1] !== item;
      entries.push(entry);
    }
    return changed ? new Map(entries) : value;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = (value as Record<string, unknown>)[key];
    const wide = widenIntegers(item);
    if (wide !== item) (copy ??= { ...value })[key] = wide;
  }
  return copy ?? value;
}

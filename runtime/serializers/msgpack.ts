import { C1, Packr } from "msgpackr";
import { storedBytes, type Serializer } from "./serializer.js";

/**
 * MessagePack via msgpackr: compact, fast, and readable from other languages. Maps decode as
 * plain objects (MessagePack has one map type); use `v8` to keep Map and Set. Decoding rejects
 * trailing bytes, so truncated or foreign data is an error rather than a wrong value.
 */
export class MsgPackSerializer<V = unknown> implements Serializer<V> {
  readonly name = "msgpack";
  readonly format = "binary";
  readonly decimalIntegers = false;
  readonly #packr = new Packr({ useRecords: false, moreTypes: true });

  encode(value: V): Uint8Array {
    // msgpackr packs into a shared scratch buffer; copy so a stored value does not pin it.
    return Uint8Array.prototype.slice.call(this.#packr.pack(value));
  }

  decode(stored: unknown): V {
    const value: unknown = this.#packr.unpack(storedBytes(stored));
    // 0xC1 is the one byte MessagePack never uses; msgpackr surfaces it instead of throwing.
    if (value === C1) throw new TypeError("found the reserved MessagePack byte 0xC1");
    return value as V;
  }
}

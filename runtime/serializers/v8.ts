import { deserialize, serialize } from "node:v8";
import { storedBytes, type Serializer } from "./serializer.js";

/**
 * Node's structured serialization (aiocache's PickleSerializer counterpart): round-trips Map, Set,
 * Date, BigInt, RegExp and typed arrays.
 *
 * Trusted stores only: like pickle, v8 data is Node-specific and decoding bytes an attacker wrote
 * is not safe. Use `json` or `msgpack` for anything another party can write.
 */
export class V8Serializer<V = unknown> implements Serializer<V> {
  readonly name = "v8";
  readonly format = "binary";
  readonly decimalIntegers = false;

  encode(value: V): Uint8Array {
    return serialize(value);
  }

  decode(stored: unknown): V {
    const bytes = storedBytes(stored);
    // v8.serialize always writes a version header (0xFF); anything else was not written by it.
    if (bytes[0] !== 0xff) throw new TypeError("missing the v8 serialization header");
    return deserialize(bytes) as V;
  }
}

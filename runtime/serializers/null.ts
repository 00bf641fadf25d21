import type { Serializer } from "./serializer.js";

/**
 * Stores values as they are, by reference: no copy, no encoding. The memory backend's default
 * (as in aiocache); remote backends reject it because they can only store bytes.
 */
export class NullSerializer<V = unknown> implements Serializer<V> {
  readonly name = "null";
  readonly format = "object";
  readonly decimalIntegers = false;

  encode(value: V): unknown {
    return value;
  }

  decode(stored: unknown): V {
    return stored as V;
  }
}

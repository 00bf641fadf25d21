import type { MaybePromise } from "../backends/backend.js";
import type { ValueValidator } from "../cache-options.js";
import { SerializationError, ValueValidationError } from "../errors.js";
import type { Serializer } from "../serializers/serializer.js";

/** When values are checked against the alias's schema. */
export type ValidateWhen = "none" | "set" | "get" | "both";

/**
 * A value on its way to or from the store: the serializer, then the precompiled validator, with
 * their failures turned into errors that name the key. Stored `undefined` is a miss, never decoded.
 */
export class ValueCodec<V> {
  readonly #serializer: Serializer<V>;
  readonly #validator: ValueValidator | undefined;
  readonly #onSet: boolean;
  readonly #onGet: boolean;

  constructor(serializer: Serializer<V>, validator: ValueValidator | undefined, validate: ValidateWhen | undefined) {
    this.#serializer = serializer;
    this.#validator = validator;
    const when = validator === undefined ? "none" : (validate ?? "both");
    this.#onSet = when === "set" || when === "both";
    this.#onGet = when === "get" || when === "both";
  }

  encode(key: string, value: V): unknown {
    const serializer = this.#serializer;
    if (value === undefined) {
      throw new SerializationError(key, serializer.name, "encode", {
        detail: "undefined means a miss and cannot be stored; store null instead",
      });
    }
    if (this.#onSet) this.#check(key, value, "set");
    try {
      return serializer.encode(value);
    } catch (cause) {
      throw new SerializationError(key, serializer.name, "encode", { cause });
    }
  }

  decode(key: string, stored: unknown): V | undefined {
    if (stored === undefined) return undefined;
    let value: V;
    try {
      value = this.#serializer.decode(stored);
    } catch (cause) {
      throw new SerializationError(key, this.#serializer.name, "decode", { cause });
    }
    if (this.#onGet) this.#check(key, value, "get");
    return value;
  }

  /** {@link decode} of a store's answer, without a tick when it is already there. */
  decodeStored(key: string, stored: MaybePromise<unknown>): MaybePromise<V | undefined> {
    return stored instanceof Promise ? stored.then((s) => this.decode(key, s)) : this.decode(key, stored);
  }

  #check(key: string, value: unknown, direction: "set" | "get"): void {
    const validator = this.#validator!;
    if (!validator(value)) throw new ValueValidationError(key, direction, validator.errors ?? []);
  }
}

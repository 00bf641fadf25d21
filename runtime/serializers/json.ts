import { storedText, type Serializer } from "./serializer.js";

/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Stores values as JSON text: readable by any language, so a Python aiocache service can share
 * the store. Integers are decimal text, so `increment` stays native and `get` still works after it.
 */
export class JsonSerializer<V = JsonValue> implements Serializer<V> {
  readonly name = "json";
  readonly format = "text";
  readonly decimalIntegers = true;

  encode(value: V): string {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`${typeof value} has no JSON representation`);
    return text;
  }

  decode(stored: unknown): V {
    return JSON.parse(storedText(stored)) as V;
  }
}

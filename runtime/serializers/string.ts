import { storedText, type Serializer } from "./serializer.js";

/** Stores strings as UTF-8 text. Values must be strings; the type system enforces it. */
export class StringSerializer implements Serializer<string> {
  readonly name = "string";
  readonly format = "text";
  readonly decimalIntegers = true;

  encode(value: string): string {
    if (typeof value !== "string") throw new TypeError(`expected a string, got ${typeof value}`);
    return value;
  }

  decode(stored: unknown): string {
    return storedText(stored);
  }
}

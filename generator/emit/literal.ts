import type { Segments } from "../../runtime/config/problems.js";

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A property key that is valid for any name: an identifier as is, anything else quoted. In an
 * object literal `__proto__` must be computed, or it would set the prototype instead of a key.
 */
export function propertyKey(name: string, inObjectLiteral = false): string {
  if (inObjectLiteral && name === "__proto__") return `["__proto__"]`;
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** Returns replacement source for a string value (an env reference), or `undefined` to keep it. */
export type StringReplacer = (value: string, segments: Segments) => string | undefined;

/** Prints plain data as a TypeScript expression; `replace` may turn strings into code. */
export function literal(value: unknown, replace: StringReplacer, segments: Segments = []): string {
  if (typeof value === "string") return replace(value, segments) ?? JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item, i) => literal(item, replace, [...segments, i])).join(", ")}]`;
  const entries = Object.entries(value).map(
    ([key, child]) => `${propertyKey(key, true)}: ${literal(child, replace, [...segments, key])}`,
  );
  return `{ ${entries.join(", ")} }`;
}

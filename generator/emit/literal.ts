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

/** `redis_alt` → `RedisAlt`; a leading digit gets an underscore so the result is an identifier. */
export function pascalCase(name: string): string {
  const pascal = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
  return /^[0-9]/.test(pascal) || pascal === "" ? `_${pascal}` : pascal;
}

/** Returns replacement source for a string value (an env reference), or `undefined` to keep it. */
export type StringReplacer = (value: string, segments: Segments) => string | undefined;

const WIDTH = 80;

/**
 * Prints plain data as a TypeScript expression; `replace` may turn strings into code. Laid out
 * as prettier would (an object or array stays on one line when it fits in 80 columns, else one
 * entry per line with trailing commas), so the generated file can leave it out of its prettier pass.
 */
export function literal(value: unknown, replace: StringReplacer, segments: Segments = [], indent = 0, column = indent): string {
  const flat = inline(value, replace, segments);
  if (value === null || typeof value !== "object" || column + flat.length <= WIDTH) return flat;
  const pad = " ".repeat(indent + 2);
  const lines = Array.isArray(value)
    ? value.map((item, i) => `${pad}${literal(item, replace, [...segments, i], indent + 2)},`)
    : Object.entries(value).map(([key, child]) => {
        const head = `${propertyKey(key, true)}: `;
        return `${pad}${head}${literal(child, replace, [...segments, key], indent + 2, indent + 2 + head.length)},`;
      });
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return `${open}\n${lines.join("\n")}\n${" ".repeat(indent)}${close}`;
}

function inline(value: unknown, replace: StringReplacer, segments: Segments): string {
  if (typeof value === "string") return replace(value, segments) ?? JSON.stringify(value);
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item, i) => inline(item, replace, [...segments, i])).join(", ")}]`;
  const entries = Object.entries(value).map(([key, child]) => `${propertyKey(key, true)}: ${inline(child, replace, [...segments, key])}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

import { type Segments } from "cachegen/internal";

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
export function literal(
  value: unknown,
  replace: StringReplacer,
  segments: Segments = [],
  indent = 0,
  column = indent,
): string {
  if (value === null || typeof value !== "object") return scalar(value, replace, segments);
  const flat = inline(value, replace, segments, WIDTH - column);
  if (flat !== undefined) return flat;
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

/**
 * `value` on one line, or `undefined` as soon as that is known to exceed `room` characters: a big
 * object is given up after a line's worth of work instead of being printed whole at every depth.
 */
function inline(value: unknown, replace: StringReplacer, segments: Segments, room: number): string | undefined {
  if (value === null || typeof value !== "object") {
    const text = scalar(value, replace, segments);
    return text.length <= room ? text : undefined;
  }
  const array = Array.isArray(value);
  const entries: [string, unknown, string | number][] = array
    ? value.map((item, i) => ["", item, i])
    : Object.entries(value).map(([key, child]) => [`${propertyKey(key, true)}: `, child, key]);
  if (entries.length === 0) return array ? "[]" : "{}";
  let text = array ? "[" : "{ ";
  for (const [i, [head, child, segment]] of entries.entries()) {
    text += (i === 0 ? "" : ", ") + head;
    const printed = inline(child, replace, [...segments, segment], room - text.length);
    if (printed === undefined) return undefined;
    text += printed;
  }
  text += array ? "]" : " }";
  return text.length <= room ? text : undefined;
}

function scalar(value: unknown, replace: StringReplacer, segments: Segments): string {
  return (typeof value === "string" ? replace(value, segments) : undefined) ?? JSON.stringify(value);
}

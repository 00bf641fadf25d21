/**
 * Serializes call arguments into a cache key that depends only on their content: object keys are
 * sorted, so `{a, b}` and `{b, a}` give one key. Types JSON would merge stay apart (`undefined`,
 * `1n`, `NaN`, dates, maps, sets, bytes). Functions, symbols and cycles have no stable content and
 * throw a TypeError that points to `key`/`keyBuilder`.
 */
export function stableKey(value: unknown): string {
  return encode(value, new Set());
}

function encode(value: unknown, path: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0)
        ? String(value)
        : `Number(${Object.is(value, -0) ? "-0" : value})`;
    case "boolean":
      return String(value);
    case "bigint":
      return `${value}n`;
    case "undefined":
      return "undefined";
    case "object":
      return value === null ? "null" : encodeObject(value, path);
    default:
      throw new TypeError(
        `Cannot build a cache key from a ${typeof value} argument; pass a key or keyBuilder that picks the arguments that identify the call.`,
      );
  }
}

function encodeObject(value: object, path: Set<object>): string {
  if (path.has(value)) {
    throw new TypeError("Cannot build a cache key from a circular argument; pass a key or keyBuilder instead.");
  }
  path.add(value);
  try {
    return encodeContent(value, path);
  } finally {
    path.delete(value);
  }
}

function encodeContent(value: object, path: Set<object>): string {
  const each = (items: Iterable<unknown>) => Array.from(items, (item) => encode(item, path));
  if (Array.isArray(value)) return `[${each(value).join(",")}]`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "Invalid" : value.toISOString()})`;
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64")})`;
  }
  if (value instanceof Set) return `Set[${each(value).sort().join(",")}]`;
  if (value instanceof Map) {
    const entries = Array.from(value, ([k, v]) => `${encode(k, path)}=>${encode(v, path)}`);
    return `Map{${entries.sort().join(",")}}`;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return encode(toJSON.call(value), path);
  // Absent and undefined properties give one key, as they do in JSON and in most APIs' options.
  const fields = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${encode((value as Record<string, unknown>)[k], path)}`);
  return `{${fields.join(",")}}`;
}

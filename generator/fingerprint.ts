import { createHash } from "node:crypto";
import type { AliasModel } from "./config/model.js";

/**
 * sha256 of the normalized config: canonical class names and durations in seconds (so renaming
 * `aiocache.RedisCache` to `redis` keeps it), plus the text of every referenced schema file (so a
 * schema edit changes it). Keys are sorted, so it never depends on the order the config was written in.
 */
export function fingerprint(models: readonly AliasModel[], schemaFiles: ReadonlyMap<string, string>): string {
  const normalized = {
    aliases: models.map(({ config, ...model }) => {
      const {
        cache: _cache,
        serializer: _serializer,
        plugins: _plugins,
        key_builder: _keyBuilder,
        ttl: _ttl,
        timeout: _timeout,
        namespace: _namespace,
        ...options
      } = config;
      return { ...model, options };
    }),
    files: [...schemaFiles].sort(([a], [b]) => (a < b ? -1 : 1)),
  };
  return createHash("sha256").update(canonicalJson(normalized)).digest("hex");
}

function canonicalJson(value: unknown): string {
  // undefined has no JSON text of its own
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

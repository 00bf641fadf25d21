/** One change between two generated files that matters to whoever runs the caches. */
export interface SemanticChange {
  readonly alias: string;
  readonly change:
    | "added"
    | "removed"
    | "backend"
    | "serializer"
    | "value type"
    | "key"
    | "key version"
    | "ttl"
    | "timeout"
    | "namespace"
    | "layout";
  readonly before?: string;
  readonly after?: string;
  /** Values stored under the old file cannot be read under the new one. */
  readonly incompatible: boolean;
  /**
   * The alias's stored keys change with it (a new key version or template), so the new file never
   * reads old entries: they are ignored and age out by TTL.
   */
  readonly newKeys?: boolean;
}

/** `redis_alt: serializer v8 → json (stored values incompatible)` */
export function formatChange(change: SemanticChange): string {
  const what =
    change.before === undefined
      ? `${change.alias}: ${change.change}`
      : `${change.alias}: ${change.change} ${oneLine(change.before)} → ${oneLine(change.after ?? "")}`;
  if (change.newKeys === true) {
    const how = change.change === "key version" || change.change === "key" ? "" : "key version changes: ";
    return `${what} (${how}old entries will be ignored)`;
  }
  return change.incompatible ? `${what} (stored values incompatible)` : what;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}

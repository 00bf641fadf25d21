import type { PendingFinding } from "../finding.js";
import { envNote, storePairs, type KeyspaceAlias, type StoredAlias } from "../keyspace.js";
import type { SharedStore, Store } from "../stores.js";

const MAX_LISTED = 3;

/**
 * An alias without namespace on a store another alias of the config uses: its `clear()` flushes the
 * whole database or server, the other aliases' entries included, and its keys share their space.
 * A store no other alias names is taken as the alias's own: the doctor reports what the config shows.
 */
export function unnamespacedSharedStores(aliases: readonly KeyspaceAlias[]): PendingFinding[] {
  const sharing = new Map<StoredAlias, { others: string[]; store: SharedStore }>();
  for (const [a, b, store] of storePairs(aliases)) {
    for (const [alias, other] of [
      [a, b],
      [b, a],
    ] as const) {
      if (alias.namespace !== "") continue;
      const entry = sharing.get(alias) ?? { others: [], store };
      entry.others.push(`"${other.name}"`);
      sharing.set(alias, entry);
    }
  }
  return [...sharing].map(([alias, { others, store }]) => ({
    segments: [alias.name],
    code: "unnamespaced-shared-store",
    message:
      `"${alias.name}" has no namespace and shares ${store.label} with ${listed(others)}: ` +
      `${alias.name}.clear() ${flush(alias.store)}, theirs included, and its keys can collide with theirs${envNote(store.env)}`,
    hint: `set a namespace, e.g. "namespace": "${alias.name.replace(/[\s\p{Cc}]+/gu, "_")}", so clear() removes only this alias's keys`,
  }));
}

/** The first few names, then how many more. */
function listed(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).join(", ");
  return names.length > MAX_LISTED ? `${shown} and ${names.length - MAX_LISTED} more` : shown;
}

/** What `clear()` without a namespace does on the store (SPEC §5). */
function flush(store: Store): string {
  switch (store.topology) {
    case "cluster":
      return "runs FLUSHDB on every master, deleting every key in the cluster";
    case "servers":
      return "runs flush_all on every server, dropping every item";
    default:
      return `runs FLUSHDB, deleting every key in database ${store.db}`;
  }
}

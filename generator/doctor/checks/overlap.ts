import type { AliasModel } from "../../config/model.js";
import type { PendingFinding } from "../finding.js";
import { envNote, storePairs, type KeyspaceAlias, type StoredAlias } from "../keyspace.js";
import { isEnvRef, type SharedStore } from "../stores.js";

/** Aliases with one key prefix on one store. */
interface Sharing {
  readonly aliases: StoredAlias[];
  readonly store: SharedStore;
}

/**
 * Aliases on one store whose keys meet: one key prefix begins the other (`overlapping-namespaces`),
 * or several share a prefix but not a serializer (`namespace-serializer-conflict`, once per prefix;
 * the same prefix and serializer is taken as deliberate sharing). Aliases without a namespace are
 * the unnamespaced check's; a key_builder's layout is unknown, so it is never compared.
 */
export function overlappingNamespaces(aliases: readonly KeyspaceAlias[]): PendingFinding[] {
  const findings: PendingFinding[] = [];
  const sharing = new Map<StoredAlias, Sharing>();
  for (const [a, b, store] of storePairs(aliases)) {
    if (!a.prefix || !b.prefix) continue;
    if (a.prefix === b.prefix) {
      const group = sharing.get(a) ?? sharing.get(b) ?? { aliases: [], store };
      for (const alias of [a, b]) if (!group.aliases.includes(alias)) group.aliases.push(alias);
      sharing.set(a, group).set(b, group);
      continue;
    }
    // A `${VAR}` namespace is known only to equal the same reference.
    if (isEnvRef(a.namespace) || isEnvRef(b.namespace)) continue;
    if (b.prefix.startsWith(a.prefix)) findings.push(overlap(a, b, store));
    else if (a.prefix.startsWith(b.prefix)) findings.push(overlap(b, a, store));
  }
  for (const group of new Set(sharing.values())) {
    if (new Set(group.aliases.map((a) => serializer(a.model))).size > 1) findings.push(conflict(group));
  }
  return findings;
}

/** `outer`'s key prefix begins `inner`'s. */
function overlap(outer: StoredAlias, inner: StoredAlias, store: SharedStore): PendingFinding {
  const rest = inner.prefix!.slice(outer.prefix!.length);
  const redis = outer.store.backend === "redis";
  const same = `"${outer.name}" key "${outer.lead}${rest}1" and "${inner.name}" key "${inner.lead}1" are the same ${redis ? "Redis" : "memcached"} key "${inner.prefix!}1"`;
  const consequence = redis
    ? `, and ${outer.name}.clear() deletes ${inner.name}'s entries too`
    : " (cachegen keeps them apart only while the namespaces' generations differ; aiocache does not at all)";
  return {
    segments: [outer.name, "namespace"],
    code: "overlapping-namespaces",
    message:
      `keys of "${outer.name}" (${outer.prefix!}…) include every key of "${inner.name}" (${inner.prefix!}…) on ` +
      `${store.label}: ${same}${consequence}${envNote(store.env)}`,
    hint: `rename one namespace so that neither key prefix begins the other, e.g. "${outer.namespace}" → "${outer.namespace}_main"`,
  };
}

/** Reported at the last alias of the group, naming each with its serializer. */
function conflict({ aliases, store }: Sharing): PendingFinding {
  const last = aliases[aliases.length - 1]!;
  const named = aliases.map((a) => `"${a.name}" (${serializer(a.model)})`);
  return {
    segments: [last.name, "namespace"],
    code: "namespace-serializer-conflict",
    message:
      `${named.slice(0, -1).join(", ")} and ${named.at(-1)!} share the key prefix ${last.prefix!}… on ${store.label} ` +
      `but not a serializer: each fails to read entries another wrote, and clear() of one removes them all` +
      envNote([last.namespace, ...store.env]),
    hint: "give each serializer its own namespace, or the aliases one serializer if they are meant to share entries",
  };
}

function serializer(model: AliasModel): string {
  const ref = model.serializer;
  return ref === undefined ? "the backend's own" : "builtin" in ref ? ref.builtin : ref.module.ref;
}

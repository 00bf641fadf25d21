import type { AliasModel } from "../../config/model.js";
import type { PendingFinding } from "../finding.js";
import { envNote, storePairs, type KeyspaceAlias, type StoredAlias } from "../keyspace.js";
import { isEnvRef, type SharedStore } from "../stores.js";

/**
 * Aliases on one store whose keys meet: one key prefix begins the other (`overlapping-namespaces`),
 * or both are the same with different serializers (`namespace-serializer-conflict`; the same
 * prefix and serializer is taken as deliberate sharing). Aliases without a namespace are the
 * unnamespaced check's; a key_builder's layout is unknown, so it is never compared.
 */
export function overlappingNamespaces(aliases: readonly KeyspaceAlias[]): PendingFinding[] {
  const findings: PendingFinding[] = [];
  for (const [a, b, store] of storePairs(aliases)) {
    if (!a.prefix || !b.prefix) continue;
    if (a.prefix === b.prefix) {
      const [first, second] = [serializer(a.model), serializer(b.model)];
      if (first !== second) findings.push(conflict(a, b, [first, second], store));
      continue;
    }
    // A `${VAR}` namespace is known only to equal the same reference.
    if (isEnvRef(a.namespace) || isEnvRef(b.namespace)) continue;
    if (b.prefix.startsWith(a.prefix)) findings.push(overlap(a, b, store));
    else if (a.prefix.startsWith(b.prefix)) findings.push(overlap(b, a, store));
  }
  return findings;
}

/** `outer`'s key prefix begins `inner`'s. */
function overlap(outer: StoredAlias, inner: StoredAlias, store: SharedStore): PendingFinding {
  const rest = inner.prefix!.slice(outer.prefix!.length);
  const same = `"${outer.name}" key "${rest}1" and "${inner.name}" key "1" are the same ${outer.store.backend === "redis" ? "Redis" : "memcached"} key "${inner.prefix!}1"`;
  const consequence =
    outer.store.backend === "redis"
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

function conflict(a: StoredAlias, b: StoredAlias, serializers: string[], store: SharedStore): PendingFinding {
  return {
    segments: [b.name, "namespace"],
    code: "namespace-serializer-conflict",
    message:
      `"${a.name}" and "${b.name}" share the key prefix ${a.prefix!}… on ${store.label} but not a serializer ` +
      `(${serializers.join(" and ")}): each fails to read the other's entries, and clear() of either removes both` +
      envNote([a.namespace, ...store.env]),
    hint: "give one of them its own namespace, or both the same serializer if they are meant to share entries",
  };
}

function serializer(model: AliasModel): string {
  const ref = model.serializer;
  return ref === undefined ? "the backend's own" : "builtin" in ref ? ref.builtin : ref.module.ref;
}

import { namespaceInKey } from "cachegen/internal";
import type { AliasModel } from "../config/model.js";
import { isEnvRef, sharedStore, storeOf, type SharedStore, type Store } from "./stores.js";

/** What the checks know of one alias's keys: where they live and how they begin. */
export interface KeyspaceAlias {
  readonly name: string;
  readonly model: AliasModel;
  /** The remote store; `undefined` for memory and user backends, which no other alias can share. */
  readonly store: Store | undefined;
  /** The namespace as written; `""` for none. */
  readonly namespace: string;
  /**
   * The text every stored key begins with, laid out as the backend does (SPEC §2): `ns:` on Redis
   * (`{ns}:` with hash_tag), `ns` on memcached, `""` without namespace; `undefined` when a
   * key_builder lays keys out, which the generator cannot see.
   */
  readonly prefix: string | undefined;
}

/** A remote alias, with its store known. */
export type StoredAlias = KeyspaceAlias & { readonly store: Store };

/** The keyspace facts of every alias, in the models' order. */
export function keyspaceAliases(models: readonly AliasModel[]): KeyspaceAlias[] {
  return models.map((model) => {
    const store = storeOf(model);
    const namespace = model.namespace ?? "";
    return { name: model.name, model, store, namespace, prefix: prefix(model, store, namespace) };
  });
}

function prefix(model: AliasModel, store: Store | undefined, namespace: string): string | undefined {
  if (model.keyBuilder !== undefined) return undefined;
  if (store?.backend !== "redis" || namespace === "") return namespace;
  return `${namespaceInKey(namespace, model.config.hash_tag === true)}:`;
}

/** Every pair of aliases whose keys live in one store, with that store. */
export function storePairs(aliases: readonly KeyspaceAlias[]): [StoredAlias, StoredAlias, SharedStore][] {
  const stored = aliases.filter((a): a is StoredAlias => a.store !== undefined);
  return stored.flatMap((a, i) =>
    stored.slice(i + 1).flatMap((b) => {
      const shared = sharedStore(a.store, b.store);
      return shared === undefined ? [] : [[a, b, shared] as [StoredAlias, StoredAlias, SharedStore]];
    }),
  );
}

/** Says which `${VAR}` references a comparison took as equal, if any. */
export function envNote(texts: readonly string[]): string {
  const refs = [...new Set(texts.filter(isEnvRef))];
  if (refs.length === 0) return "";
  return ` (judged from ${refs.join(", ")} as written: the same reference reads the same variable at run time)`;
}

import { namespaceInKey } from "cachegen/internal";
import type { AliasModel } from "../config/model.js";
import { VERSION_DIGITS } from "../types/key-version.js";
import { isEnvRef, sharedStore, storeOf, type SharedStore, type Store } from "./stores.js";

/** What the checks know of one alias's keys: where they live and how they begin. */
export interface KeyspaceAlias {
  readonly name: string;
  readonly model: AliasModel;
  /** The remote store; `undefined` for memory and user backends, which no other alias can share. */
  readonly store: Store | undefined;
  /** The namespace as written; `""` for none. */
  readonly namespace: string;
  /** The key version's segment, which every key carries after the namespace (see {@link versionSegment}). */
  readonly version: { readonly text: string; readonly bytes: number };
  /** The key template's leading fixed text (`user:` of `user:{id}`), `""` for none: every templated key begins so. */
  readonly lead: string;
  /**
   * The text every stored key begins with, laid out as the backend does (SPEC §2): `ns:` on Redis
   * (`{ns}:` with hash_tag), `ns` on memcached, `""` without namespace, then the key version's
   * segment and a key template's leading fixed text; `undefined` when a key_builder lays keys
   * out, which the generator cannot see.
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
    const version = versionSegment(model);
    const lead = typeof model.key?.parts[0] === "string" ? model.key.parts[0] : "";
    const start = prefix(model, store, namespace);
    return { name: model.name, model, store, namespace, version, lead, prefix: start && start + version.text + lead };
  });
}

/** The namespace as the backend lays it out; `undefined` under a key_builder. */
function prefix(model: AliasModel, store: Store | undefined, namespace: string): string | undefined {
  if (model.keyBuilder !== undefined) return undefined;
  if (store?.backend !== "redis" || namespace === "") return namespace;
  return `${namespaceInKey(namespace, model.config.hash_tag === true)}:`;
}

/**
 * `v3:` for `key_version: 3`, `""` for none. The hash of `"schema"` is computed by generate from
 * the value type, so here it stands as `v‹json schema hash›:`: equal to another alias's only when
 * the serializer is too (the hash covers it), and counted at the real hash's length.
 */
export function versionSegment(model: AliasModel): { readonly text: string; readonly bytes: number } {
  if (model.keyVersion === undefined) return { text: "", bytes: 0 };
  if (model.keyVersion !== "schema") {
    const text = `v${model.keyVersion}:`;
    return { text, bytes: Buffer.byteLength(text) };
  }
  const serializer =
    model.serializer === undefined
      ? ""
      : "builtin" in model.serializer
        ? model.serializer.builtin
        : model.serializer.module.ref;
  return { text: `v‹${serializer} schema hash›:`, bytes: VERSION_DIGITS + 2 };
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

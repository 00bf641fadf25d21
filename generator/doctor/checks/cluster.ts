import type { PendingFinding } from "../finding.js";
import type { KeyspaceAlias } from "../keyspace.js";

/**
 * A Redis Cluster alias without `hash_tag`: its keys spread over slots, so multi-key operations
 * split into one command per slot. A key_builder decides its own keys (hash_tag then changes
 * nothing), so such an alias is left alone.
 */
export function clusterHashTags(aliases: readonly KeyspaceAlias[]): PendingFinding[] {
  return aliases
    .filter(
      (a) => a.store?.topology === "cluster" && a.model.config.hash_tag !== true && a.model.keyBuilder === undefined,
    )
    .map((a) => ({
      segments: [a.name, a.model.config.hash_tag === undefined ? "cluster" : "hash_tag"],
      code: "cluster-without-hash-tag",
      message:
        `"${a.name}" is on Redis Cluster without hash_tag: its keys spread over the slots, so multiGet and ` +
        "multiSet split into one command per slot (more round trips), and a multiSet is atomic only within a slot",
      hint:
        `set ${a.namespace === "" ? "a namespace and " : ""}"hash_tag": true, so keys are {namespace}:key and share ` +
        "one slot (and so one node: keep such a namespace small, and hot keys apart)",
    }));
}

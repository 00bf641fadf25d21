import { createRequire } from "node:module";

// Required rather than imported: the package's own declaration file does not compile with
// skipLibCheck off (`export =` beside other exports), and a user's compiler would check it.
const calculateSlot = createRequire(import.meta.url)("cluster-key-slot") as (key: string) => number;

/**
 * The Redis Cluster slot of a key (CRC16 of the hash tag, or of the whole key), as ioredis itself
 * computes it with the same library.
 */
export function keySlot(key: string): number {
  return calculateSlot(key);
}

/** Indexes of `keys` grouped by slot, in first-seen order: one multi-key command per group. */
export function groupBySlot(keys: readonly string[]): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = calculateSlot(key);
    const group = groups.get(slot);
    if (group === undefined) groups.set(slot, [i]);
    else group.push(i);
  });
  return [...groups.values()];
}

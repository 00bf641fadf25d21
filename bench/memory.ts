/**
 * MemoryCache get (hit), get (miss) and set, unbounded and with max_size, against an async wrapper
 * over a Map, lru-cache, cache-manager, keyv and bentocache, all in one process and one run, at
 * 1,000 and 100,000 keys (set also at 1,000,000). Sequential awaits: the cost of one operation is
 * what a request handler pays. Keys are read in a shuffled order, so a large cache is read as a
 * real one is, not in the order it was filled.
 */
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { LRUCache } from "lru-cache";
import { MemoryCache } from "../runtime/index.js";
import { report, target, type Row } from "./harness.js";
import { contenders, type Peer } from "./peers.js";

const value = { id: 1, name: "cached value" };
const BASELINE = "async Map wrapper";
const OURS = "cachegen MemoryCache";
const OURS_BOUNDED = "cachegen MemoryCache (max_size)";

/** Every contender holding up to `size` keys; bounded ones are bounded at `size`. */
function peers(size: number): Peer<unknown>[] {
  const map = new Map<string, unknown>();
  const ours = new MemoryCache();
  const bounded = new MemoryCache({ maxSize: size });
  const lru = new LRUCache<string, object>({ max: size });
  const manager = createCache();
  const keyv = new Keyv();
  const bento = new BentoCache({
    default: "memory",
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: size })) },
  });
  return [
    { name: BASELINE, get: async (k) => map.get(k), set: async (k, v) => map.set(k, v) },
    { name: OURS, get: (k) => ours.get(k), set: (k, v) => ours.set(k, v) },
    { name: OURS_BOUNDED, get: (k) => bounded.get(k), set: (k, v) => bounded.set(k, v) },
    {
      name: "lru-cache (max, async wrapper)",
      get: async (k) => lru.get(k),
      set: async (k, v) => lru.set(k, v as object),
    },
    { name: "cache-manager", get: (k) => manager.get(k), set: (k, v) => manager.set(k, v) },
    { name: "keyv", get: (k) => keyv.get(k), set: (k, v) => keyv.set(k, v) },
    { name: "bentocache (memory)", get: (k) => bento.get({ key: k }), set: (k, v) => bento.set({ key: k, value: v }) },
  ];
}

function shuffled(items: string[]): string[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

const ratio = (rows: readonly Row[], name: string) => rows.find((r) => r.name === name)!.ratio;

/** Runs the memory comparisons and prints tables plus target checks. */
export async function benchMemory(): Promise<void> {
  const common = { baseline: BASELINE, ops: 100_000, rounds: 11, warmup: 2 };
  for (const size of [1000, 100_000]) {
    const keys = shuffled(Array.from({ length: size }, (_, i) => `key:${i}`));
    const missing = Array.from({ length: size }, (_, i) => `missing:${i}`);
    const all = peers(size);
    for (const peer of all) for (const key of keys) await peer.set(key, value);
    const label = size.toLocaleString("en-US");
    const hit = await report({
      title: `memory get (hit), ${label} keys`,
      contenders: contenders(all, (p, i) => p.get(keys[i % size]!)),
      ...common,
    });
    await report({
      title: `memory get (miss), ${label} keys`,
      contenders: contenders(all, (p, i) => p.get(missing[i % size]!)),
      ...common,
    });
    if (size === 1000) {
      // Ratios are medians of same-round ratios (see harness.ts), steadier than ratios of medians.
      target("memory get (hit), 1,000 keys vs async Map wrapper", ratio(hit, OURS), 0.8);
      target("memory get (hit), 1,000 keys vs cache-manager", ratio(hit, OURS) / ratio(hit, "cache-manager"), 3);
    } else {
      target("memory get (hit), 100,000 keys vs async Map wrapper", ratio(hit, OURS), 0.9);
      target("memory get (hit), 100,000 keys, max_size vs async Map wrapper", ratio(hit, OURS_BOUNDED), 0.8);
    }
  }
  for (const size of [1000, 100_000, 1_000_000]) {
    const keys = shuffled(Array.from({ length: size }, (_, i) => `key:${i}`));
    await report({
      title: `memory set, ${size.toLocaleString("en-US")} keys`,
      contenders: contenders(peers(size), (p, i) => p.set(keys[i % size]!, value)),
      ...common,
      ops: Math.max(common.ops, size),
      rounds: size > 100_000 ? 5 : common.rounds,
      warmup: 1,
    });
  }
}

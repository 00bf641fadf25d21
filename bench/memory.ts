/**
 * MemoryCache get (hit), get (miss) and set against an async wrapper over a Map, lru-cache,
 * cache-manager, keyv and bentocache, all in one process and one run. Sequential awaits: the
 * cost of one operation is what a request handler pays.
 */
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { createCache } from "cache-manager";
import Keyv from "keyv";
import { LRUCache } from "lru-cache";
import { MemoryCache } from "../runtime/index.js";
import { report, target } from "./harness.js";
import { contenders, type Peer } from "./peers.js";

const KEYS = 1000;
const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const missing = Array.from({ length: KEYS }, (_, i) => `missing:${i}`);
const value = { id: 1, name: "cached value" };

async function peers(): Promise<Peer<unknown>[]> {
  const map = new Map<string, unknown>();
  const ours = new MemoryCache();
  const lru = new LRUCache<string, object>({ max: 10 * KEYS });
  const manager = createCache();
  const keyv = new Keyv();
  const bento = new BentoCache({ default: "memory", stores: { memory: bentostore().useL1Layer(memoryDriver({})) } });
  return [
    { name: "async Map wrapper", get: async (k) => map.get(k), set: async (k, v) => map.set(k, v) },
    { name: "cachegen MemoryCache", get: (k) => ours.get(k), set: (k, v) => ours.set(k, v) },
    { name: "lru-cache (async wrapper)", get: async (k) => lru.get(k), set: async (k, v) => lru.set(k, v as object) },
    { name: "cache-manager", get: (k) => manager.get(k), set: (k, v) => manager.set(k, v) },
    { name: "keyv", get: (k) => keyv.get(k), set: (k, v) => keyv.set(k, v) },
    { name: "bentocache (memory)", get: (k) => bento.get({ key: k }), set: (k, v) => bento.set({ key: k, value: v }) },
  ];
}

/** Runs the memory comparisons and prints tables plus target checks. */
export async function benchMemory(): Promise<void> {
  const all = await peers();
  for (const peer of all) for (const key of keys) await peer.set(key, value);
  const common = { baseline: "async Map wrapper", ops: 200_000, rounds: 15, warmup: 3 };

  const hit = await report({
    title: "memory get (hit)",
    contenders: contenders(all, (p, i) => p.get(keys[i % KEYS]!)),
    ...common,
  });
  await report({
    title: "memory get (miss)",
    contenders: contenders(all, (p, i) => p.get(missing[i % KEYS]!)),
    ...common,
  });
  await report({
    title: "memory set",
    contenders: contenders(all, (p, i) => p.set(keys[i % KEYS]!, value)),
    ...common,
  });

  // Ratios are medians of same-round ratios (see harness.ts), steadier than ratios of medians.
  const ratio = (name: string) => hit.find((r) => r.name === name)!.ratio;
  target("memory get (hit) vs async Map wrapper", ratio("cachegen MemoryCache"), 0.8);
  target("memory get (hit) vs cache-manager", ratio("cachegen MemoryCache") / ratio("cache-manager"), 3);
}

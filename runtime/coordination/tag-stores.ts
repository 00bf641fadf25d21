import type { Backend } from "../backends/backend.js";
import { BackendError } from "../errors.js";
import type { TagStore } from "./tags.js";

/** What the adapters use of a store: keys arrive built, the namespace is passed along (memcached's generation). */
type TagBackend = Pick<Backend, "name" | "multiGet" | "add" | "getVersioned" | "setIfVersion" | "raw">;

/** Stores `ARGV[1]` unless the key holds a greater number; returns what the key holds afterwards. */
const SET_IF_GREATER = `
local stored = redis.call('GET', KEYS[1])
local current = tonumber(stored)
if current and current >= tonumber(ARGV[1]) then return stored end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

const CAS_ATTEMPTS = 32;
const DECIMAL = /^\d+$/;

/** Tag times in this process only: a memory cache's, whose entries no other process reads. */
export function memoryTagStore(): TagStore {
  const times = new Map<string, number>();
  return {
    multiGet: (keys) => Promise.resolve(keys.map((key) => times.get(key))),
    add: (key, ts) => {
      const added = !times.has(key);
      if (added) times.set(key, ts);
      return Promise.resolve(added);
    },
    setIfGreater: (key, ts) => {
      const time = Math.max(times.get(key) ?? ts, ts);
      times.set(key, time);
      return Promise.resolve(time);
    },
  };
}

/**
 * Tag times in a Redis store (single, Sentinel or cluster): reads go out with the store's other
 * GETs of the tick (one MGET per slot on a cluster, so tags of any slots never make a CROSSSLOT),
 * and set-if-greater is one small script on the key's node.
 */
export function redisTagStore(store: TagBackend): TagStore {
  return {
    ...readAndAdd(store, ""),
    setIfGreater: async (key, ts) => {
      const stored = parse(await store.raw("eval", [SET_IF_GREATER, 1, key, String(ts)]));
      if (stored === undefined) throw new BackendError(store.name, `set-if-greater on ${key} returned no time`);
      return stored;
    },
  };
}

/**
 * Tag times in a store with compare-and-set (memcached through its CAS; the memory store too):
 * set-if-greater reads the time and writes only if nobody wrote in between, retrying when someone did.
 */
export function casTagStore(store: TagBackend, namespace: string): TagStore {
  return {
    ...readAndAdd(store, namespace),
    setIfGreater: async (key, ts) => {
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        const current = await store.getVersioned(key, namespace);
        const stored = parse(current?.value);
        if (stored !== undefined && stored >= ts) return stored;
        if (await store.setIfVersion(key, String(ts), current, null, namespace)) return ts;
      }
      throw new BackendError(
        store.name,
        `set-if-greater on ${key} lost ${CAS_ATTEMPTS} compare-and-set races; retry it`,
      );
    },
  };
}

function readAndAdd(store: TagBackend, namespace: string): Pick<TagStore, "multiGet" | "add"> {
  return {
    multiGet: async (keys) => (await store.multiGet(keys, namespace)).map(parse),
    add: async (key, ts) => store.add(key, String(ts), null, namespace),
  };
}

/** A stored time: decimal text (bytes from remote stores); anything else reads as missing. */
function parse(stored: unknown): number | undefined {
  const text = typeof stored === "string" ? stored : stored instanceof Uint8Array ? Buffer.from(stored).toString() : "";
  return DECIMAL.test(text) ? Number(text) : undefined;
}

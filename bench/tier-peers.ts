/**
 * The two-tier caches of `bench/tiers.ts` and its reader process, configured alike: a local tier
 * of `size` entries in front of Redis, an hour's TTL, and a bus on the same server. cachegen's
 * local tier keeps objects; bentocache's L1 keeps JSON text by default (`serialize: true`), so
 * its `serialize: false` variant is measured too, as the honest floor.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { BentoCache, bentostore } from "bentocache";
import { memoryDriver } from "bentocache/drivers/memory";
import { redisBusDriver, redisDriver } from "bentocache/drivers/redis";
import { CHANNELS, RedisCache, type BusEvent } from "../runtime/index.js";

/** A two-tier cache under test. */
export interface TierPeer {
  readonly name: string;
  /** The key prefix, where the peer has one of its own. */
  readonly namespace?: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
  close(): Promise<unknown>;
}

/** Where the caches meet: one Redis, and a name both processes use for keys and bus channels. */
export interface TierSite {
  readonly host: string;
  readonly port: number;
  readonly group: string;
  readonly size: number;
}

/** cachegen's RedisCache with a local tier and a bus, resolved once its bus is up (local hits need it). */
export async function cachegenTiered(site: TierSite): Promise<TierPeer> {
  const alias = `bench-${site.group}`;
  const namespace = `cg-${site.group}`;
  const up = new Promise<void>((resolve) => {
    const listener = (message: unknown) => {
      const event = message as BusEvent;
      if (event.alias !== alias || event.event !== "up") return;
      unsubscribe(CHANNELS.bus, listener);
      resolve();
    };
    subscribe(CHANNELS.bus, listener);
  });
  const cache = new RedisCache({
    alias,
    endpoint: site.host,
    port: site.port,
    namespace,
    ttl: 3600,
    local: { maxSize: site.size, ttl: 3600 },
    bus: { group: site.group },
  });
  await cache.tiers.ready();
  await up;
  return {
    name: "cachegen RedisCache, local tier + bus",
    namespace,
    get: (k) => cache.get(k),
    set: (k, v) => cache.set(k, v),
    close: () => cache.close(),
  };
}

/** bentocache with an L1 memory driver, a Redis L2 and its Redis bus. */
export function bentoTiered(site: TierSite, serialize: boolean): TierPeer {
  const connection = { host: site.host, port: site.port };
  const store = bentostore()
    .useL1Layer(memoryDriver({ maxItems: site.size, serialize }))
    .useL2Layer(redisDriver({ connection }))
    .useBus(redisBusDriver({ connection }));
  // Each variant has its own prefix and store name (bus channel), so neither drops the other's entries.
  const name = `tiered-${serialize}`;
  const bento = new BentoCache({
    default: name,
    stores: { [name]: store },
    ttl: "1h",
    prefix: `bento-${serialize}-${site.group}`,
  });
  return {
    name: `bentocache L1 (serialize: ${serialize}) + Redis + bus`,
    get: (k) => bento.get({ key: k }),
    set: (k, v) => bento.set({ key: k, value: v }),
    close: () => bento.disconnectAll(),
  };
}

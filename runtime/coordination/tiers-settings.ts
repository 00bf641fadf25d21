import type { BusTransport } from "../backends/bus-transport.js";
import type { CacheOptions } from "../cache-options.js";
import { toMillis } from "../duration.js";
import { ConfigError } from "../errors.js";
import type { ValueCodec } from "../pipeline/codec.js";
import { usesEnvelope } from "../serializers/envelope.js";
import { EntryLayout } from "./entry-layout.js";
import { LocalTier } from "./local-tier.js";
import { resolvePolicy } from "./policy.js";
import type { TagStore } from "./tags.js";
import type { TiersSettings } from "./tiers.js";

/** What a store contributes to the tiers: how to probe it, where tag times live, how its bus travels. */
export interface StoreParts {
  /** The store's cheapest round trip, for the circuit breaker's probe; absent for in-process stores. */
  readonly probe?: (() => Promise<unknown>) | undefined;
  /** Where tag times of `namespace` live. */
  readonly tagStore: (namespace: string) => TagStore;
  /** The bus transport over the store's own server (Redis). */
  readonly transport?: (() => Promise<BusTransport>) | undefined;
}

const DEFAULT_LOCAL_SIZE = 10_000;
const DEFAULT_LOCAL_TTL_MS = 60_000;
const DEFAULT_HEARTBEAT_MS = 1000;
const DEFAULT_TAG_CHECK_MS = 1000;

/**
 * The tiers of a cache from its options, and whether any of them is in use (a plain cache with
 * none keeps the pipeline's own paths). Settings that need a remote store (`local`, `bus`,
 * `circuitBreaker`) on one without a probe are a `ConfigError`.
 */
export function tiersSettings<V>(
  options: CacheOptions<V>,
  parts: StoreParts,
  codec: ValueCodec<V>,
  objects: boolean,
): { readonly settings: TiersSettings; readonly active: boolean } {
  const alias = options.alias;
  const remoteOnly = (["local", "bus", "circuitBreaker"] as const).filter(
    (f) => options[f] !== undefined && options[f] !== false,
  );
  if (parts.probe === undefined && remoteOnly.length > 0) {
    throw new ConfigError(
      remoteOnly.map((field) => ({
        path: field,
        message: `${field} applies to remote stores (redis, memcached); this cache is in-process already`,
      })),
    );
  }
  const policy = resolvePolicy(options);
  const layout = usesEnvelope(options as Readonly<Record<string, unknown>>, "options") ? "envelope" : "plain";
  const breakMs = toMillis(options.circuitBreaker, "circuitBreaker");
  const local =
    options.local === undefined
      ? undefined
      : new LocalTier({
          maxSize: options.local.maxSize ?? DEFAULT_LOCAL_SIZE,
          ttlMs: toMillis(options.local.ttl, "local.ttl") ?? DEFAULT_LOCAL_TTL_MS,
        });
  const settings: TiersSettings = {
    layout: new EntryLayout(layout, codec, objects, alias),
    policy,
    breaker: breakMs === null ? undefined : { breakMs, probe: parts.probe! },
    local,
    bus: busSettings(options, parts),
    tagStore: options.tags === true ? parts.tagStore(options.namespace ?? "") : undefined,
    tagCheckMs:
      toMillis(options.tagCheckInterval, "tagCheckInterval") ??
      (options.tagCheckInterval === undefined ? DEFAULT_TAG_CHECK_MS : 0),
  };
  const active =
    layout === "envelope" ||
    local !== undefined ||
    settings.bus !== undefined ||
    breakMs !== null ||
    policy.jitterMs > 0;
  return { settings, active };
}

function busSettings<V>(options: CacheOptions<V>, parts: StoreParts): TiersSettings["bus"] {
  const bus = options.bus;
  if (bus === undefined || bus === false) return undefined;
  const config = bus === true ? {} : bus;
  const given = config.transport;
  const transport =
    given === undefined ? parts.transport : typeof given === "function" ? given : () => Promise.resolve(given);
  if (transport === undefined) {
    throw new ConfigError([
      {
        path: "bus",
        message:
          'the bus travels over Redis pub/sub: a memcached alias names the Redis alias to use ("bus": "<redis alias>")',
      },
    ]);
  }
  return {
    group: config.group ?? options.alias ?? options.namespace ?? "default",
    heartbeatMs: toMillis(config.heartbeat, "bus.heartbeat") ?? DEFAULT_HEARTBEAT_MS,
    transport,
  };
}

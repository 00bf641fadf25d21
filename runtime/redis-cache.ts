import type { BusTransport } from "./backends/bus-transport.js";
import type { KeyBuilder } from "./cache-options.js";
import { Cache } from "./cache.js";
import { RedisPubSub } from "./backends/redis-pubsub.js";
import { stallLimitMs } from "./backends/remote.js";
import { namespaceInKey, redisTarget, type IoRedisClient, type RedisCacheOptions } from "./backends/redis-options.js";
import { RedisStore } from "./backends/redis-store.js";
import { redisTagStore } from "./coordination/tag-stores.js";
import { timeoutMillis } from "./duration.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import type { BasePlugin } from "./plugins/base.js";
import { JsonSerializer } from "./serializers/json.js";

/** `{namespace}:key`, for `hashTag`. */
const hashTagged: KeyBuilder = (key, ns) => (ns === "" ? key : `${namespaceInKey(ns, true)}:${key}`);

/**
 * A cache on Redis, Redis Cluster (`cluster`) or a Sentinel-managed master (`sentinels`), through
 * ioredis with auto-pipelining. ioredis is imported on first use. Keys are `namespace:key`, as in
 * aiocache; values default to JSON.
 */
export class RedisCache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[], K = string> extends Cache<
  V,
  P,
  K
> {
  /** Host, as configured or from `url` (the first seed node for a cluster or sentinels). */
  readonly endpoint: string;
  /** Port, as configured or from `url` (the first seed node for a cluster or sentinels). */
  readonly port: number;
  /** Database index. */
  readonly db: number;
  declare readonly [overridesType]?: OverridesFrom<RedisCacheOptions<V, P>>;
  readonly #store: RedisStore;
  readonly #transport: () => Promise<BusTransport>;

  constructor(options: RedisCacheOptions<V, P> = {}) {
    const target = redisTarget(options, options.keyBuilder);
    const store = new RedisStore(target, {
      client: options.client,
      stallMs: stallLimitMs(timeoutMillis(options.timeout)),
    });
    const transport = () => store.connected().then((client) => new RedisPubSub({ client, where: target.where }));
    super(store, new JsonSerializer(), target.hashTag ? { ...options, keyBuilder: hashTagged } : options, {
      probe: () => store.raw("ping", []),
      tagStore: () => redisTagStore(store),
      transport,
    });
    this.#store = store;
    this.#transport = transport;
    this.endpoint = target.endpoint;
    this.port = target.port;
    this.db = target.db;
  }

  /**
   * A bus transport over this cache's server (pub/sub, sharded on a cluster), once connected:
   * what a memcached alias's `"bus": "<this alias>"` travels on.
   */
  busTransport(): Promise<BusTransport> {
    return this.#transport();
  }

  /** The ioredis client (`Redis` or `Cluster`) once the first operation has connected, or the one passed as `client`. */
  get client(): IoRedisClient | undefined {
    return this.#store.client;
  }
}

import { memcachedSettings, type MemcachedCacheOptions } from "./backends/memcached-options.js";
import { MemcachedStore } from "./backends/memcached-store.js";
import { stallLimitMs } from "./backends/remote.js";
import { Cache } from "./cache.js";
import { casTagStore } from "./coordination/tag-stores.js";
import { timeoutMillis } from "./duration.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import type { BasePlugin } from "./plugins/base.js";
import { JsonSerializer } from "./serializers/json.js";

/**
 * A cache on memcached (1.6+, meta protocol) through cachegen's own pipelined client. Keys are
 * `namespace + key`, as in aiocache, plus the namespace's generation (see `clear`); values default
 * to JSON. TTLs are whole seconds: they round up, plus two seconds for memcached's coarse clock, so an
 * entry lives at least its TTL and at most two seconds more.
 */
export class MemcachedCache<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
  K = string,
> extends Cache<V, P, K> {
  /** Host of the first server. */
  readonly endpoint: string;
  /** Port of the first server. */
  readonly port: number;
  /** Every server as `host:port`. */
  readonly servers: readonly string[];
  declare readonly [overridesType]?: OverridesFrom<MemcachedCacheOptions<V, P>>;
  readonly #store: MemcachedStore;

  constructor(options: MemcachedCacheOptions<V, P> = {}) {
    const settings = memcachedSettings(options, stallLimitMs(timeoutMillis(options.timeout)));
    const store = new MemcachedStore(settings);
    super(store, new JsonSerializer(), options, {
      probe: () => store.raw("version", []),
      tagStore: (namespace) => casTagStore(store, namespace),
    });
    this.#store = store;
    this.endpoint = settings.servers[0]!.host;
    this.port = settings.servers[0]!.port;
    this.servers = settings.servers.map(({ host, port }) => `${host}:${port}`);
  }

  /**
   * The memcached key that `buildKey(key, namespace)` is stored under: namespaced keys carry the
   * namespace's current generation. For inspecting the server, or `raw` access to a namespaced key.
   */
  storedKey(key: string, namespace: string = this.namespace): Promise<string> {
    return this.#store.storedKey(this.buildKey(key, namespace), namespace);
  }
}

import type { CacheOptions } from "../cache-options.js";
import { Cache } from "../cache.js";
import { toMillis, type Duration } from "../duration.js";
import { ConfigError, type ConfigProblem } from "../errors.js";
import type { OverridesFrom, overridesType } from "../overrides.js";
import type { BasePlugin } from "../plugins/base.js";
import { JsonSerializer } from "../serializers/json.js";
import { MemcachedStore } from "./memcached-store.js";
import { requireBytes, stallLimitMs } from "./remote.js";

/** Options of {@link MemcachedCache}: SPEC §2's memcached fields, camelCased, plus every cache's options. */
export interface MemcachedCacheOptions<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
> extends CacheOptions<V, P> {
  /** Host name or IP. @default "127.0.0.1" */
  endpoint?: string;
  /** TCP port. @default 11211 */
  port?: number;
  /** Several servers as `"host:port"`, spread by consistent hashing; replaces endpoint and port. */
  servers?: readonly string[];
  /** Connections per server. Requests are pipelined, so one is usually enough. @default 1 */
  poolSize?: number;
  /** The servers' item size limit (memcached `-I`): larger values are refused before sending. @default 1048576 */
  itemSize?: number;
  /**
   * How long a namespace generation read from memcached is trusted before it is read again, i.e.
   * how soon another process's `clear()` of that namespace is seen. `0` reads it on every
   * operation (one more round trip). A clear by this cache is seen at once. @default 1
   */
  generationTtl?: Duration;
}

/** The memcached port when the config names none. */
export const DEFAULT_PORT = 11211;
const DEFAULT_ITEM_SIZE = 1024 * 1024;
const DEFAULT_GENERATION_TTL = 1;

/**
 * A cache on memcached (1.6+, meta protocol) through cachegen's own pipelined client. Keys are
 * `namespace + key`, as in aiocache, plus the namespace's generation (see `clear`); values default
 * to JSON. TTLs are whole seconds: they round up, plus two seconds for memcached's coarse clock, so an
 * entry lives at least its TTL and at most two seconds more.
 */
export class MemcachedCache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[]> extends Cache<V, P> {
  /** Host of the first server. */
  readonly endpoint: string;
  /** Port of the first server. */
  readonly port: number;
  /** Every server as `host:port`. */
  readonly servers: readonly string[];
  declare readonly [overridesType]?: OverridesFrom<MemcachedCacheOptions<V, P>>;
  readonly #store: MemcachedStore;

  constructor(options: MemcachedCacheOptions<V, P> = {}) {
    const problems: ConfigProblem[] = [];
    const servers = options.servers?.length
      ? options.servers.map((server, i) => parseServer(server, `servers[${i}]`, problems))
      : [{ host: options.endpoint ?? "127.0.0.1", port: options.port ?? DEFAULT_PORT }];
    const poolSize = options.poolSize ?? 1;
    const itemSize = options.itemSize ?? DEFAULT_ITEM_SIZE;
    if (!Number.isInteger(poolSize) || poolSize < 1)
      problems.push({ path: "poolSize", message: `${poolSize} is not a positive integer` });
    if (!Number.isInteger(itemSize) || itemSize < 1024)
      problems.push({ path: "itemSize", message: `${itemSize} is not a size in bytes of at least 1024` });
    if (problems.length > 0) throw new ConfigError(problems);
    const generationTtl = options.generationTtl === undefined ? DEFAULT_GENERATION_TTL : options.generationTtl;
    const generationTtlMs = toMillis(generationTtl, "generationTtl") ?? 0;
    const store = new MemcachedStore({ servers, poolSize, itemSize, generationTtlMs });
    super(store, new JsonSerializer(), options);
    requireBytes(this.serializer, "memcached");
    store.stallMs = stallLimitMs(this.timeout);
    this.#store = store;
    this.endpoint = servers[0]!.host;
    this.port = servers[0]!.port;
    this.servers = servers.map(({ host, port }) => `${host}:${port}`);
  }

  /**
   * The memcached key that `buildKey(key, namespace)` is stored under: namespaced keys carry the
   * namespace's current generation. For inspecting the server, or `raw` access to a namespaced key.
   */
  storedKey(key: string, namespace: string = this.namespace): Promise<string> {
    return this.#store.storedKey(this.buildKey(key, namespace), namespace);
  }
}

function parseServer(server: string, path: string, problems: ConfigProblem[]): { host: string; port: number } {
  const match = /^(.+):(\d+)$/.exec(server);
  const port = Number(match?.[2]);
  if (match === null || port < 1 || port > 65535) {
    problems.push({ path, message: `${JSON.stringify(server)} is not host:port` });
    return { host: server, port: DEFAULT_PORT };
  }
  return { host: match[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

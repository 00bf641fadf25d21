import type { CacheOptions } from "../cache-options.js";
import { toMillis, type Duration } from "../duration.js";
import { ConfigError, type ConfigProblem } from "../errors.js";
import type { BasePlugin } from "../plugins/base.js";

/** Options of `MemcachedCache`: SPEC §2's memcached fields, camelCased, plus every cache's options. */
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

/** Where the store connects and how it bounds what it sends. */
export interface MemcachedSettings {
  readonly servers: readonly { readonly host: string; readonly port: number }[];
  readonly poolSize: number;
  readonly itemSize: number;
  /** How long a namespace generation read from the server is trusted, in ms (0: re-read every time). */
  readonly generationTtlMs: number;
  /** A connection owing replies that receives nothing for this long is dropped (see `stallLimitMs`). */
  readonly stallMs: number | undefined;
}

/** The memcached port when the config names none. */
export const DEFAULT_PORT = 11211;
const DEFAULT_ITEM_SIZE = 1024 * 1024;
const DEFAULT_GENERATION_TTL = 1;

/** Validates the options (every problem at once) and resolves defaults into the store's settings. */
export function memcachedSettings(options: MemcachedCacheOptions, stallMs: number | undefined): MemcachedSettings {
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
  return { servers, poolSize, itemSize, generationTtlMs, stallMs };
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

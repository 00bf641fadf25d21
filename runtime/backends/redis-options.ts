import type { CacheOptions } from "../cache-options.js";
import { timerMillis, type Duration } from "../duration.js";
import { ConfigError, type ConfigProblem } from "../errors.js";
import type { BasePlugin } from "../plugins/base.js";

/** A Redis node address (cluster seed, sentinel). */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/**
 * An ioredis `Redis` or `Cluster` instance. Typed by the little cachegen relies on, so cachegen's
 * declarations need neither ioredis's types nor Node's; any ioredis 5 client fits.
 */
export interface IoRedisClient {
  readonly status: string;
  readonly isCluster: boolean;
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** Options for `tls.connect` (a few common ones named; any other is passed through). */
export interface RedisTlsOptions {
  /** CA certificates (PEM) to trust instead of the system's. */
  readonly ca?: string | string[];
  /** Client certificate (PEM), for servers that verify clients. */
  readonly cert?: string;
  /** Client private key (PEM). */
  readonly key?: string;
  /** Server name for SNI and certificate checks. */
  readonly servername?: string;
  /** Refuse servers whose certificate does not verify. @default true */
  readonly rejectUnauthorized?: boolean;
  readonly [option: string]: unknown;
}

/** Options of {@link RedisCache}: SPEC §2's Redis fields, camelCased, plus every cache's options. */
export interface RedisCacheOptions<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[]>
  extends CacheOptions<V, P>, RedisConnectionOptions {}

/** Where and how {@link RedisCache} connects. */
export interface RedisConnectionOptions {
  /** Host name or IP. @default "127.0.0.1" */
  endpoint?: string;
  /** TCP port. @default 6379 */
  port?: number;
  /** Database index; Redis Cluster only has 0. @default 0 */
  db?: number;
  /** ACL user name (Redis 6+). */
  username?: string;
  /** Password of `username`, or of the default user. */
  password?: string;
  /** `true`, or options for `tls.connect` (ca, cert, key, servername…). @default false */
  tls?: boolean | RedisTlsOptions;
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS; fields given beside it win. */
  url?: string;
  /** How long connecting may take. @default 10 */
  createConnectionTimeout?: Duration;
  /** Accepted for aiocache compatibility and ignored: one auto-pipelined connection replaces the pool. */
  poolMaxSize?: number;
  /** Redis Cluster seed nodes: the cache uses ioredis `Cluster` and splits multi-key commands by slot. */
  cluster?: { readonly nodes: readonly RedisNode[] };
  /** Sentinel nodes; the master is found by {@link sentinelName}. */
  sentinels?: readonly RedisNode[];
  /** The master name the sentinels monitor. */
  sentinelName?: string;
  /**
   * Store keys as `{namespace}:key`, so a namespace shares one cluster slot and multi-key writes stay
   * atomic. A `keyBuilder` owns the whole layout, so with one this option changes nothing. @default false
   */
  hashTag?: boolean;
  /** Send commands issued in the same tick as one pipeline. @default true */
  autoPipelining?: boolean;
  /** An existing ioredis client (Redis or Cluster) to use instead of connecting; the cache never closes it. */
  client?: IoRedisClient;
}

/** Where and how to connect, resolved from the options once. */
export interface RedisTarget {
  readonly kind: "single" | "cluster" | "sentinel";
  readonly endpoint: string;
  readonly port: number;
  readonly db: number;
  /** Cluster seeds or sentinels; empty for a single server. */
  readonly nodes: readonly RedisNode[];
  readonly sentinelName: string | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: RedisTlsOptions | undefined;
  readonly connectTimeoutMs: number | undefined;
  readonly hashTag: boolean;
  readonly autoPipelining: boolean;
  /** Readable address for error messages. */
  readonly where: string;
}

/** Where a Redis alias connects when the config names no host or port. */
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 6379;

/**
 * How a namespace stands in Redis keys (`<namespace>:key`): with `hashTag`, in braces, so Redis
 * Cluster hashes only the namespace and keeps it on one slot.
 */
export function namespaceInKey(namespace: string, hashTag: boolean): string {
  return hashTag ? `{${namespace}}` : namespace;
}

/** Validates the options (every problem at once) and resolves the URL and defaults into a target. */
export function redisTarget(options: RedisConnectionOptions, keyBuilder: unknown): RedisTarget {
  const problems: ConfigProblem[] = [];
  const url = options.url === undefined ? undefined : parseUrl(options.url, problems);
  const endpoint = options.endpoint ?? url?.endpoint ?? DEFAULT_HOST;
  const port = options.port ?? url?.port ?? DEFAULT_PORT;
  const db = options.db ?? url?.db ?? 0;
  const nodes = options.cluster?.nodes ?? options.sentinels ?? [];
  const kind = options.cluster ? "cluster" : options.sentinels ? "sentinel" : "single";
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    problems.push({ path: "port", message: `${port} is not a TCP port (1-65535)` });
  if (!Number.isInteger(db) || db < 0)
    problems.push({ path: "db", message: `${db} is not a database index (an integer from 0)` });
  if (options.cluster && options.sentinels) {
    problems.push({ path: "sentinels", message: "use either cluster or sentinels, not both" });
  }
  if (kind === "cluster" && db !== 0)
    problems.push({ path: "db", message: "Redis Cluster only has database 0; remove db" });
  if (kind !== "single" && nodes.length === 0)
    problems.push({ path: kind === "cluster" ? "cluster.nodes" : "sentinels", message: "list at least one node" });
  if (kind === "sentinel" && !options.sentinelName) {
    problems.push({ path: "sentinelName", message: "sentinels need sentinel_name, the master name they monitor" });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const tls = options.tls ?? url?.tls;
  const first = nodes[0];
  return {
    kind,
    endpoint: first?.host ?? endpoint,
    port: first?.port ?? port,
    db,
    nodes,
    sentinelName: options.sentinelName,
    username: options.username ?? url?.username,
    password: options.password ?? url?.password,
    tls: tls === true ? {} : tls === false ? undefined : tls,
    connectTimeoutMs: timerMillis(options.createConnectionTimeout, "createConnectionTimeout") ?? undefined,
    hashTag: (options.hashTag ?? false) && keyBuilder === undefined,
    autoPipelining: options.autoPipelining ?? true,
    where:
      kind === "cluster"
        ? `cluster ${addresses(nodes)}`
        : kind === "sentinel"
          ? `master "${options.sentinelName}" via sentinels ${addresses(nodes)}`
          : `${endpoint}:${port}`,
  };
}

function addresses(nodes: readonly RedisNode[]): string {
  return nodes.map((n) => `${n.host}:${n.port}`).join(",");
}

/** What a `redis://` URL can say; `rediss://` means TLS. */
export type UrlParts = Pick<RedisConnectionOptions, "endpoint" | "port" | "db" | "username" | "password"> & {
  tls?: true;
};

/** The parts of a `redis://` or `rediss://` URL; a malformed one is a problem pushed onto `problems`. */
export function parseUrl(text: string, problems: ConfigProblem[]): UrlParts | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    problems.push({
      path: "url",
      message: `${JSON.stringify(text)} is not a URL; use redis://host:port/db or rediss://…`,
    });
    return undefined;
  }
  if (url.protocol !== "redis:" && url.protocol !== "rediss:") {
    problems.push({ path: "url", message: `scheme ${url.protocol} is not supported; use redis:// or rediss://` });
    return undefined;
  }
  const db = url.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d+$/.test(db)) problems.push({ path: "url", message: `path /${db} is not a database index` });
  const parts: UrlParts = {};
  // WHATWG URL keeps IPv6 brackets; ioredis wants the bare address.
  if (url.hostname) parts.endpoint = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (url.port) parts.port = Number(url.port);
  if (db !== "") parts.db = Number(db);
  const username = url.username ? decoded(url.username, "user name", problems) : undefined;
  const password = url.password ? decoded(url.password, "password", problems) : undefined;
  if (username !== undefined) parts.username = username;
  if (password !== undefined) parts.password = password;
  if (url.protocol === "rediss:") parts.tls = true;
  return parts;
}

/** A percent-encoded URL part, decoded; a malformed escape (`%zz`) is a config problem, not a URIError. */
function decoded(text: string, what: string, problems: ConfigProblem[]): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    problems.push({ path: "url", message: `the ${what} has a malformed percent escape (${text}); encode "%" as %25` });
    return undefined;
  }
}

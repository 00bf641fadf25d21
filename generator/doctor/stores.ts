import {
  MEMCACHED_DEFAULT_PORT as MEMCACHED_PORT,
  REDIS_DEFAULT_HOST as DEFAULT_HOST,
  REDIS_DEFAULT_PORT as REDIS_PORT,
  parseUrl,
  parseEnvRef,
  type AliasConfig,
  type HostPort,
} from "cachegen/internal";
import type { AliasModel } from "../config/model.js";

/** A server's address as written; a part may be a `${VAR}` reference, compared as text. */
export interface Address {
  readonly host: string;
  readonly port: string;
}

/** A remote store that aliases can share: one Redis database, or a set of memcached servers. */
export interface Store {
  readonly backend: "redis" | "memcached";
  /** How Redis is reached; memcached is always a list of servers. */
  readonly topology: "server" | "cluster" | "sentinel" | "servers";
  /** The server, cluster seeds, sentinels or memcached servers. */
  readonly nodes: readonly Address[];
  /** The Redis database as written (`"0"`, `"${REDIS_DB}"`); empty for memcached. */
  readonly db: string;
  /** The master name the sentinels monitor. */
  readonly master: string | undefined;
}

/** Two aliases' common store: how findings name it, and the env references the match relied on. */
export interface SharedStore {
  readonly label: string;
  readonly env: readonly string[];
}

/**
 * The remote store an alias's keys live in; `undefined` for memory (each instance has its own map)
 * and for user backends (their storage is theirs). An unreadable `url` is the validator's business.
 */
export function storeOf(model: AliasModel): Store | undefined {
  if (!("builtin" in model.backend)) return undefined;
  const config = model.config;
  switch (model.backend.builtin) {
    case "memory":
      return undefined;
    case "memcached":
      return {
        backend: "memcached",
        topology: "servers",
        nodes: config.servers?.map(serverNode) ?? [
          { host: config.endpoint ?? DEFAULT_HOST, port: String(config.port ?? MEMCACHED_PORT) },
        ],
        db: "",
        master: undefined,
      };
    case "redis": {
      const base = { backend: "redis", db: String(config.db ?? 0), master: config.sentinel_name } as const;
      if (config.cluster) return { ...base, topology: "cluster", nodes: config.cluster.nodes.map(hostPort), db: "0" };
      if (config.sentinels) return { ...base, topology: "sentinel", nodes: config.sentinels.map(hostPort) };
      return { ...base, ...redisServer(config) };
    }
  }
}

/** The Redis server and database, from the fields or the `url` they override (SPEC §2). */
function redisServer(config: AliasConfig): { topology: "server"; nodes: readonly Address[]; db: string } {
  // A `${REDIS_URL}` stands for every part it would give: equal references mean the same server.
  const ref = config.url !== undefined && isEnvRef(config.url) ? config.url : undefined;
  const url = config.url === undefined || ref !== undefined ? undefined : parseUrl(config.url, []);
  const host = config.endpoint ?? url?.endpoint ?? ref ?? DEFAULT_HOST;
  const port = config.port ?? url?.port ?? ref ?? REDIS_PORT;
  return { topology: "server", nodes: [{ host, port: String(port) }], db: String(config.db ?? url?.db ?? ref ?? 0) };
}

/**
 * The store two aliases share, or `undefined`. Nodes match by address (loopback names as one host);
 * a cluster, a set of sentinels or of memcached servers is shared as soon as one node is, since a node
 * belongs to one cluster and a memcached key can land on any server of the list.
 */
export function sharedStore(a: Store, b: Store): SharedStore | undefined {
  if (a.backend !== b.backend || a.topology !== b.topology || a.db !== b.db || a.master !== b.master) return undefined;
  const theirs = new Set(b.nodes.map(nodeKey));
  const nodes = a.nodes.filter((node) => theirs.has(nodeKey(node)));
  if (nodes.length === 0) return undefined;
  const env = [...nodes.flatMap((n) => [n.host, n.port]), a.db, a.master ?? ""].filter(isEnvRef);
  return { label: label(a, nodes), env: [...new Set(env)] };
}

/** Whether a config string is a `${VAR}` reference, read at run time. */
export function isEnvRef(value: string): boolean {
  return parseEnvRef(value) !== undefined;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);

function nodeKey({ host, port }: Address): string {
  const name = isEnvRef(host) ? host : host.toLowerCase();
  return `${LOOPBACK.has(name) ? "localhost" : name}\0${port}`;
}

function hostPort(node: HostPort): Address {
  return { host: node.host, port: String(node.port) };
}

function serverNode(server: string): Address {
  if (isEnvRef(server)) return { host: server, port: server };
  const colon = server.lastIndexOf(":");
  return { host: server.slice(0, colon), port: server.slice(colon + 1) };
}

function label(store: Store, nodes: readonly Address[]): string {
  const addresses = nodes.map((n) => (n.host === n.port ? n.host : `${n.host}:${n.port}`)).join(", ");
  switch (store.topology) {
    case "server":
      // A `${REDIS_URL}` names the database too.
      return `Redis ${addresses}${store.db === nodes[0]!.host ? "" : ` db ${store.db}`}`;
    case "cluster":
      return `Redis Cluster ${addresses}`;
    case "sentinel":
      return `Redis master "${store.master ?? ""}" (sentinels ${addresses}) db ${store.db}`;
    case "servers":
      return `memcached ${addresses}`;
  }
}

import type { ConnectionOptions } from "node:tls";
import type { Cluster, Redis } from "ioredis";
import { MissingDependencyError } from "../errors.js";
import type { IoRedisClient, RedisTarget } from "./redis-options.js";
import { SCRIPTS } from "./redis-scripts.js";

/** A value as Redis commands take it. */
export type RedisValue = string | Buffer | number;

/**
 * The part of ioredis the store uses. Everything Redis-specific goes through this one narrow
 * interface, so a client upgrade or swap touches this file only.
 */
export interface RedisClient extends IoRedisClient {
  getBuffer(key: string): Promise<Buffer | null>;
  mgetBuffer(...keys: string[]): Promise<(Buffer | null)[]>;
  set(key: string, value: RedisValue, ...options: RedisValue[]): Promise<"OK" | null>;
  mset(...keysAndValues: RedisValue[]): Promise<"OK">;
  del(key: string): Promise<number>;
  exists(key: string): Promise<number>;
  incrby(key: string, delta: number): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  pttl(key: string): Promise<number>;
  scan(cursor: string, ...options: RedisValue[]): Promise<[cursor: string, keys: string[]]>;
  unlink(...keys: string[]): Promise<number>;
  flushdb(): Promise<"OK">;
  call(command: string, ...args: unknown[]): Promise<unknown>;
  /** Cluster only: the connection to each master. */
  nodes(role: "master"): RedisClient[];
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  /** {@link SCRIPTS}, defined on the client by {@link prepareClient}. */
  cachegenCas(key: string, ...args: RedisValue[]): Promise<number>;
  cachegenDeleteIfEquals(key: string, value: RedisValue): Promise<number>;
  cachegenPersist(key: string): Promise<number>;
}

/** The ioredis exports cachegen uses. */
interface IoRedisModule {
  readonly Redis: typeof Redis;
  readonly Cluster: typeof Cluster;
}

let ioredis: Promise<IoRedisModule> | undefined;

/** Imports ioredis on first use only, so importing cachegen never loads it. */
function loadIoredis(): Promise<IoRedisModule> {
  ioredis ??= import("ioredis").then(
    ({ Redis, Cluster }) => ({ Redis, Cluster }),
    (cause: unknown) => {
      ioredis = undefined;
      if ((cause as { code?: string }).code === "ERR_MODULE_NOT_FOUND") {
        throw new MissingDependencyError("ioredis", "Redis backend (RedisCache)", { cause });
      }
      throw cause;
    },
  );
  return ioredis;
}

/**
 * Creates an unconnected client for the target. Commands fail fast instead of queueing while the
 * connection is down (no offline queue, no retry of in-flight commands), so an outage gives errors
 * within the operation's timeout and no queue grows; the client keeps reconnecting by itself.
 * `stallMs` destroys a connection that owes replies but has sent nothing for that long.
 */
export async function createClient(target: RedisTarget, stallMs: number | undefined): Promise<RedisClient> {
  const { Redis, Cluster } = await loadIoredis();
  const connection = {
    username: target.username,
    password: target.password,
    // RedisTlsOptions is ConnectionOptions without Node's types in cachegen's public declarations.
    tls: target.tls as ConnectionOptions | undefined,
    connectTimeout: target.connectTimeoutMs,
    socketTimeout: stallMs,
    maxRetriesPerRequest: 0,
  };
  const failFast = { lazyConnect: true, enableOfflineQueue: false, enableAutoPipelining: target.autoPipelining };
  const client =
    target.kind === "cluster"
      ? new Cluster([...target.nodes], { ...failFast, redisOptions: connection })
      : new Redis({
          ...connection,
          ...failFast,
          host: target.endpoint,
          port: target.port,
          db: target.db,
          ...(target.kind === "sentinel" ? { sentinels: [...target.nodes], name: target.sentinelName } : {}),
        });
  return prepareClient(client);
}

/** Defines cachegen's scripts on a client (idempotent) and narrows it to {@link RedisClient}. */
export function prepareClient(client: IoRedisClient): RedisClient {
  for (const [name, definition] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, definition);
  }
  return client as unknown as RedisClient;
}

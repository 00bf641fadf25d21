import { NotAnIntegerError } from "../errors.js";
import { KEEP_TTL, type Backend, type TtlMs, type Versioned } from "./backend.js";
import { createClient, prepareClient, type RedisClient, type RedisValue } from "./redis-client.js";
import { redisError, replyCode } from "./redis-errors.js";
import { SET_MANY } from "./redis-scripts.js";
import { namespaceInKey, type IoRedisClient, type RedisTarget } from "./redis-options.js";
import { Coalescer } from "./redis-coalesce.js";
import { groupBySlot } from "./redis-slot.js";
import { textOrBuffer } from "./remote.js";

const SCAN_COUNT = 1000;

/** How {@link RedisStore} gets its connection. */
export interface RedisStoreOptions {
  /** An existing client to use instead of connecting; the store never closes it. */
  readonly client?: IoRedisClient | undefined;
  /** A connection owing replies that sends nothing for this long is dropped (see `stallLimitMs`). */
  readonly stallMs?: number | undefined;
}

/**
 * Talks to Redis, a Redis Cluster or a Sentinel-managed master through ioredis (loaded on first
 * use). Values are read as Buffers so serializers see the exact stored bytes; keys arrive built.
 */
export class RedisStore implements Backend {
  readonly name = "redis";
  readonly separator = ":";
  readonly bytesOnly = true;
  /** A connection owing replies that sends nothing for this long is dropped (see `stallLimitMs`). */
  readonly #stallMs: number | undefined;
  #client: RedisClient | undefined;
  #opening: Promise<RedisClient> | undefined;
  #lastError: Error | undefined;
  readonly #borrowed: boolean;
  readonly #fail = (error: unknown): never => {
    throw redisError(error, this.target.where, this.#lastError);
  };
  readonly #batches = new Coalescer<"read" | "write">({
    read: (keys: string[]) =>
      this.#dispatch(
        (c) => (c.isCluster ? mgetBySlot(c, keys) : c.mgetBuffer(...keys)),
        (values) => values.map(orUndefined),
      ),
    write: (writes: Write[]) =>
      this.#dispatch(
        (c) => Promise.all(bySlot(c, writes, (write) => write[0]).map((group) => setMany(c, group))),
        () => [],
      ),
  });

  constructor(
    readonly target: RedisTarget,
    options: RedisStoreOptions = {},
  ) {
    const { client, stallMs } = options;
    this.#stallMs = stallMs;
    this.#borrowed = client !== undefined;
    if (client !== undefined) this.#client = prepareClient(client);
  }

  /** The client once connecting has started (or the borrowed one). */
  get client(): RedisClient | undefined {
    return this.#client;
  }

  /** The client, connecting first when no operation has yet (for the bus, which publishes on it). */
  connected(): Promise<RedisClient> {
    return this.#client === undefined ? this.#open() : Promise.resolve(this.#client);
  }

  /**
   * GETs of one tick go out as one MGET (per slot on a cluster), so a key holding another type
   * (a hash, a list) reads as a miss rather than a WRONGTYPE error.
   */
  get(key: string): Promise<Buffer | undefined> {
    return this.#batches.one("read", key);
  }

  multiGet(keys: readonly string[]): Promise<(Buffer | undefined)[]> | unknown[] {
    return keys.length === 0 ? [] : this.#batches.many("read", keys);
  }

  /** SETs of one tick go out as one MSET, or one script when any has a TTL (per slot on a cluster). */
  set(key: string, value: unknown, ttl: TtlMs): Promise<void> {
    return this.#batches.one("write", [key, toRedis(value), ttl]);
  }

  /** Atomic: MSET, or one script that sets every key with its TTL (per slot on a cluster). */
  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs): Promise<void> | void {
    if (entries.length === 0) return;
    return this.#batches
      .many(
        "write",
        entries.map(([key, value]) => [key, toRedis(value), ttl] as const),
      )
      .then(ignore);
  }

  add(key: string, value: unknown, ttl: TtlMs): Promise<boolean> {
    return this.#send(
      (c) => c.set(key, toRedis(value), ...ttlArgs(ttl), "NX"),
      (reply) => reply === "OK",
    );
  }

  delete(key: string): Promise<number> {
    return this.#send(
      (c) => c.del(key),
      (n) => n,
    );
  }

  exists(key: string): Promise<boolean> {
    return this.#send(
      (c) => c.exists(key),
      (n) => n > 0,
    );
  }

  increment(key: string, delta: number): Promise<number> {
    return this.#send(
      (c) => c.incrby(key, delta),
      (n) => {
        if (!Number.isSafeInteger(n)) throw new NotAnIntegerError(key);
        return n;
      },
      (error) => {
        // INCRBY's only error replies: the value is not an integer (ERR), or not a string (WRONGTYPE).
        const code = replyCode(error);
        if (code === "ERR" || code === "WRONGTYPE") throw new NotAnIntegerError(key, { cause: error });
        return this.#fail(error);
      },
    );
  }

  expire(key: string, ttl: TtlMs): Promise<boolean> {
    return this.#send(
      (c) => (ttl === null ? c.cachegenPersist(key) : c.pexpire(key, ttl)),
      (n) => n === 1,
    );
  }

  getTtl(key: string): Promise<number | null | undefined> {
    return this.#send(
      (c) => c.pttl(key),
      (ms) => (ms === -2 ? undefined : ms === -1 ? null : ms),
    );
  }

  clear(namespace: string): Promise<void> {
    return this.#send(async (c) => {
      const masters = c.isCluster ? c.nodes("master") : [c];
      if (namespace === "") {
        await Promise.all(masters.map((node) => node.flushdb()));
        return;
      }
      const pattern = `${globEscape(namespaceInKey(namespace, this.target.hashTag))}:*`;
      await Promise.all(masters.map((node) => this.#unlinkMatching(c, node, pattern)));
    }, ignore);
  }

  raw(command: string, args: readonly unknown[]): Promise<unknown> {
    return this.#send(
      (c) => c.call(command, ...args.map((arg) => (arg instanceof Uint8Array ? toRedis(arg) : arg))),
      (reply) => reply,
    );
  }

  getVersioned(key: string): Promise<Versioned | undefined> {
    // The stored bytes are the version: the script compares them before writing.
    return this.#send(
      (c) => c.getBuffer(key),
      (value) => (value === null ? undefined : { value, token: value }),
    );
  }

  setIfVersion(key: string, value: unknown, expected: Versioned | undefined, ttl: TtlMs): Promise<boolean> {
    const mode = ttl === KEEP_TTL ? "keep" : ttl === null ? "none" : "px";
    const token = expected === undefined ? "" : (expected.token as Buffer);
    return this.#send(
      (c) => c.cachegenCas(key, expected === undefined ? "0" : "1", token, toRedis(value), mode, ttl ?? 0),
      (n) => n === 1,
    );
  }

  deleteIfEquals(key: string, value: unknown): Promise<boolean> {
    return this.#send(
      (c) => c.cachegenDeleteIfEquals(key, toRedis(value)),
      (n) => n === 1,
    );
  }

  async close(): Promise<void> {
    // Send what this tick queued before QUIT, which waits for its replies.
    this.#batches.flush();
    if (this.#borrowed) return;
    const client = this.#client ?? (await this.#opening?.catch(() => this.#client));
    this.#client = undefined;
    if (client === undefined) return;
    if (client.status === "ready") {
      // Auto-pipelined commands go out on the next setImmediate and QUIT at once: let them go first.
      await new Promise((resolve) => setImmediate(resolve));
      await client.quit().catch(() => client.disconnect());
    } else {
      client.disconnect();
    }
  }

  /** Sends a command after the open batch, so commands run in call order. */
  #send<T, R>(
    command: (client: RedisClient) => Promise<T>,
    map: (reply: T) => R,
    fail: (error: unknown) => never = this.#fail,
  ): Promise<R> {
    this.#batches.flush();
    return this.#dispatch(command, map, fail);
  }

  /** Runs a command on the connected client (connecting first if needed); failures become BackendError, or what `fail` makes of them. */
  #dispatch<T, R>(
    command: (client: RedisClient) => Promise<T>,
    map: (reply: T) => R,
    fail: (error: unknown) => never = this.#fail,
  ): Promise<R> {
    const client = this.#client;
    return (client ? command(client) : this.#open().then(command)).then(map, fail);
  }

  /** One shared connection attempt; after a failure the client stays and keeps reconnecting. */
  #open(): Promise<RedisClient> {
    this.#opening ??= this.#connect().finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  async #connect(): Promise<RedisClient> {
    const client = await createClient(this.target, this.#stallMs);
    client.on("error", (error) => (this.#lastError = error));
    try {
      await client.connect();
    } finally {
      this.#client = client;
    }
    return client;
  }

  async #unlinkMatching(client: RedisClient, node: RedisClient, pattern: string): Promise<void> {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
      cursor = next;
      if (keys.length > 0)
        await Promise.all(bySlot(client, keys, (key) => key).map((group) => client.unlink(...group)));
    } while (cursor !== "0");
  }
}

/** A key, its value, its TTL: one pending write. */
type Write = readonly [key: string, value: RedisValue, ttl: TtlMs];

const orUndefined = (value: Buffer | null): Buffer | undefined => value ?? undefined;
const ignore = (): void => undefined;

function ttlArgs(ttl: TtlMs): RedisValue[] {
  return ttl === null ? [] : ["PX", ttl];
}

/** Serializers produce text or bytes; ioredis sends only Buffer instances as bytes. */
function toRedis(value: unknown): RedisValue {
  return textOrBuffer(value, "Redis");
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** The items split by cluster slot; one group on a single server. */
function bySlot<T>(client: RedisClient, items: readonly T[], key: (item: T) => string): (readonly T[])[] {
  return client.isCluster ? groupBySlot(items.map(key)).map((group) => group.map((i) => items[i]!)) : [items];
}

/** Writes a group of one slot atomically: SET for one, MSET without TTLs, else one script. */
function setMany(client: RedisClient, writes: readonly Write[]): Promise<unknown> {
  if (writes.length === 1) {
    const [key, value, ttl] = writes[0]!;
    return client.set(key, value, ...ttlArgs(ttl));
  }
  // Plain loops: this runs once per batch of up to hundreds of writes, on the hot path.
  const args: RedisValue[] = [];
  if (writes.every(([, , ttl]) => ttl === null)) {
    for (const [key, value] of writes) args.push(key, value);
    return client.mset(...args);
  }
  for (const [key] of writes) args.push(key);
  for (const [, value, ttl] of writes) args.push(ttl ?? 0, value);
  return client.call("eval", SET_MANY, writes.length, ...args);
}

/** MGET on a cluster: one command per slot, replies put back in key order. */
async function mgetBySlot(client: RedisClient, keys: readonly string[]): Promise<(Buffer | null)[]> {
  const groups = groupBySlot(keys);
  const replies = await Promise.all(groups.map((group) => client.mgetBuffer(...group.map((i) => keys[i]!))));
  const result = new Array<Buffer | null>(keys.length);
  groups.forEach((group, g) => group.forEach((index, i) => (result[index] = replies[g]![i]!)));
  return result;
}

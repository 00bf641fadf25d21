import type { BusTransport, TransportListener } from "./bus-transport.js";
import { redisError } from "./redis-errors.js";
import type { IoRedisClient } from "./redis-options.js";

/** What the transport uses of the store's client: publishing, and making a subscriber like it. */
interface Publisher extends IoRedisClient {
  publish(channel: string, message: string): Promise<unknown>;
  spublish(channel: string, message: string): Promise<unknown>;
  /** ioredis `Redis#duplicate(options)` or `Cluster#duplicate(nodes, options)`. */
  duplicate(...args: unknown[]): Subscriber;
  /** Cluster only: its options, whose `redisOptions` each node connection gets. */
  readonly options: { readonly redisOptions?: object };
}

/** What the transport uses of its subscriber connection (a `Redis`, or a `Cluster` with sharded subscribers). */
interface Subscriber {
  connect(): Promise<void>;
  subscribe(channel: string): Promise<unknown>;
  ssubscribe(channel: string): Promise<unknown>;
  disconnect(): void;
  on(event: "messageBuffer" | "smessageBuffer", listener: (channel: Buffer, message: Buffer) => void): unknown;
  on(event: "-node", listener: (node: unknown, subscriberKey?: string) => void): unknown;
  on(event: "ready" | "close" | "subscribersReady", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** Options of {@link RedisPubSub}. */
export interface RedisPubSubOptions {
  /** The store's client (Redis, Sentinel-managed, or Cluster): publishes go out on it, pipelined with its commands. */
  readonly client: IoRedisClient;
  /** Where the client connects, for error messages. */
  readonly where: string;
  /** CLIENT SETNAME of the subscriber connection(s). @default "cachegen-bus" */
  readonly connectionName?: string | undefined;
}

/**
 * The bus over Redis pub/sub. Publishes on the store's own client; subscribes on one dedicated
 * connection made like it: SUBSCRIBE and PUBLISH on a single server or a Sentinel-managed master,
 * SSUBSCRIBE and SPUBLISH on a cluster (sharded pub/sub, ioredis `shardedSubscribers`), so a message
 * stays on the shard that owns the channel's slot instead of crossing the whole cluster.
 */
export class RedisPubSub implements BusTransport {
  readonly #client: Publisher;
  readonly #where: string;
  readonly #name: string;
  #subscriber: Subscriber | undefined;
  #lastError: Error | undefined;

  constructor(options: RedisPubSubOptions) {
    this.#client = options.client as Publisher;
    this.#where = options.where;
    this.#name = options.connectionName ?? "cachegen-bus";
  }

  publish(channel: string, payload: string): Promise<void> {
    const client = this.#client;
    return (client.isCluster ? client.spublish(channel, payload) : client.publish(channel, payload)).then(
      () => undefined,
      (error: unknown) => {
        throw redisError(error, this.#where);
      },
    );
  }

  /**
   * Subscribes, and subscribes again after each reconnect before calling `ready`. When the first
   * attempt fails it rejects, and keeps trying in the background.
   */
  async subscribe(channel: string, listener: TransportListener): Promise<void> {
    const cluster = this.#client.isCluster;
    const subscriber = (this.#subscriber = this.#duplicate());
    subscriber.on("error", (error) => this.#remember(error));
    subscriber.on(cluster ? "smessageBuffer" : "messageBuffer", (from, payload) => {
      if (from.toString() === channel) listener.message(payload);
    });
    subscriber.on("close", () => listener.down("subscriber connection closed"));
    let subscribed = false;
    let attempt: Promise<void> | undefined;
    // Registered before connect(), so on every (re)connect it runs before connect() resolves.
    subscriber.on("ready", () => {
      // A cluster re-creates its sharded subscribers and subscribes them again by itself.
      if (cluster && subscribed) return;
      attempt = (cluster ? subscriber.ssubscribe(channel) : subscriber.subscribe(channel)).then(() => {
        subscribed = true;
        listener.ready();
      });
      attempt.catch((error: unknown) => this.#remember(error));
    });
    if (cluster) {
      subscriber.on("-node", (_node, subscriberKey) => {
        if (subscriberKey !== undefined) listener.down(`sharded subscriber for ${subscriberKey} lost`);
      });
      subscriber.on("subscribersReady", () => {
        if (subscribed) listener.ready();
      });
    }
    try {
      await subscriber.connect();
      await attempt;
    } catch (error) {
      throw redisError(error, this.#where, this.#lastError);
    }
  }

  close(): Promise<void> {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    return Promise.resolve();
  }

  #duplicate(): Subscriber {
    const client = this.#client;
    if (!client.isCluster)
      return client.duplicate({ lazyConnect: true, autoResubscribe: false, connectionName: this.#name });
    const redisOptions = { ...client.options.redisOptions, connectionName: this.#name };
    return client.duplicate(undefined, { lazyConnect: true, shardedSubscribers: true, redisOptions });
  }

  #remember(error: unknown): void {
    if (error instanceof Error) this.#lastError = error;
  }
}

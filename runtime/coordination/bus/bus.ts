import type { BusTransport } from "../../backends/bus-transport.js";
import {
  BUS_VERSION,
  busChannel,
  decodeMessage,
  encodeMessage,
  newSourceId,
  SeqTracker,
  type Invalidation,
} from "./protocol.js";
import { RetryQueue } from "./retry-queue.js";

/** up: the bus has heard its own heartbeat since it last (re)subscribed; down: messages may be missed. */
export type BusState = "up" | "down";

/** Why peers' invalidations may have been missed: the subscription dropped, or a source skipped a `seq`. */
export type RecoverReason = "reconnect" | "gap";

/** Options of {@link Bus}. */
export interface BusOptions {
  readonly transport: BusTransport;
  /** The bus group (channel `cachegen:bus:v1:{<group>}`): caches sharing a store and namespace share one. */
  readonly group: string;
  /** How often the bus pings itself, in ms; it is down when no ping came back for 3 periods. @default 1000 */
  readonly heartbeatMs?: number | undefined;
  /** Most invalidations kept for a retry while publishing fails. @default 1000 */
  readonly maxQueued?: number | undefined;
  /** A peer's invalidation, each one once. */
  readonly onMessage?: ((message: Invalidation, src: string) => void) | undefined;
  /** Invalidations may have been missed: drop every local entry the bus guards. Runs before `onState("up")`. */
  readonly onRecover?: ((reason: RecoverReason) => void) | undefined;
  /** Every change of state, with what caused it (for logs and diagnostics). */
  readonly onState?: ((state: BusState, reason: string) => void) | undefined;
  /** The clock, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** Counters since the bus started. */
export interface BusStats {
  published: number;
  publishFailures: number;
  /** Peers' invalidations handed to `onMessage`. */
  received: number;
  invalid: number;
  ignored: number;
  duplicates: number;
  gaps: number;
  recoveries: number;
}

const MISSED_BEATS = 3;

/**
 * Keeps local tiers honest across processes: publishes invalidations, hands peers' ones to
 * `onMessage` (own messages and replays filtered out), and tracks its health. It pings itself
 * every heartbeat; it is up once its own ping comes back, down when the transport drops or pings
 * stop coming back. Coming back up after being up, or seeing a peer skip a `seq`, fires
 * `onRecover`, since messages may have been missed. Failed publishes wait in a {@link RetryQueue},
 * sent again when the bus is up.
 */
export class Bus {
  /** This bus instance's id, `src` in its messages. */
  readonly src = newSourceId();
  readonly channel: string;
  readonly stats: BusStats = {
    published: 0,
    publishFailures: 0,
    received: 0,
    invalid: 0,
    ignored: 0,
    duplicates: 0,
    gaps: 0,
    recoveries: 0,
  };
  /** Round trip of the last own ping, in ms (publish to receipt). */
  lastPingMs: number | undefined;
  #state: BusState = "down";
  #wasUp = false;
  #seq = 0;
  #pingBackAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #flushing = false;
  readonly #seqs = new SeqTracker();
  readonly #queue: RetryQueue;
  readonly #options: BusOptions;
  readonly #heartbeatMs: number;
  readonly #now: () => number;

  constructor(options: BusOptions) {
    this.#options = options;
    this.channel = busChannel(options.group);
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#queue = new RetryQueue(options.maxQueued ?? 1000);
    this.#now = options.now ?? (() => Date.now());
  }

  get state(): BusState {
    return this.#state;
  }

  /** Invalidations waiting for a retry, and how many were dropped for lack of room. */
  get queue(): { readonly size: number; readonly dropped: number } {
    return this.#queue;
  }

  /**
   * Starts the heartbeat and subscribes; the bus is up once its first ping comes back. Rejects when
   * the first attempt to subscribe fails; the transport keeps trying, and the bus comes up by itself.
   */
  async start(): Promise<void> {
    this.#running = true;
    this.#timer ??= setInterval(() => this.#beat(), this.#heartbeatMs).unref();
    await this.#options.transport.subscribe(this.channel, {
      message: (payload) => this.#receive(payload),
      ready: () => void this.#send({ op: "ping", ts: this.#now() }),
      down: (reason) => this.#down(reason),
    });
  }

  /** Publishes an invalidation; resolves false when it failed and was queued for a retry. Never rejects. */
  publish(invalidation: Invalidation): Promise<boolean> {
    return this.#send(invalidation);
  }

  /** Stops the heartbeat and the subscription. */
  async close(): Promise<void> {
    this.#running = false;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#state = "down";
    await this.#options.transport.close();
  }

  #send(invalidation: Invalidation | { op: "ping"; ts: number }, retry = false): Promise<boolean> {
    const ping = invalidation.op === "ping";
    // A ping repeats the last seq: a lost ping is no gap, a lost invalidation is one.
    const seq = ping ? this.#seq : ++this.#seq;
    const text = encodeMessage({ v: BUS_VERSION, src: this.src, seq, ...invalidation });
    return this.#options.transport.publish(this.channel, text).then(
      () => {
        if (!ping) this.stats.published++;
        return true;
      },
      () => {
        this.stats.publishFailures++;
        if (!ping) this.#queue.add(invalidation, retry);
        return false;
      },
    );
  }

  #receive(payload: Uint8Array): void {
    if (!this.#running) return;
    const received = decodeMessage(payload);
    if (received.kind !== "message") {
      this.stats[received.kind]++;
      return;
    }
    const message = received.message;
    if (message.src === this.src) {
      if (message.op === "ping") this.#pingBack(message.ts);
      return;
    }
    const verdict = this.#seqs.check(message);
    if (verdict === "duplicate") {
      this.stats.duplicates++;
      return;
    }
    if (verdict === "gap") {
      this.stats.gaps++;
      this.#recover("gap");
    }
    if (message.op === "ping") return;
    this.stats.received++;
    this.#options.onMessage?.(message, message.src);
  }

  #pingBack(sentAt: number | undefined): void {
    this.#pingBackAt = this.#now();
    if (sentAt !== undefined) this.lastPingMs = this.#pingBackAt - sentAt;
    if (this.#state === "up") return;
    if (this.#wasUp) this.#recover("reconnect");
    this.#wasUp = true;
    this.#setState("up", "own heartbeat received");
    void this.#flush();
  }

  #down(reason: string): void {
    this.#seqs.reset();
    if (this.#state === "up") this.#setState("down", reason);
  }

  #beat(): void {
    const silentMs = this.#now() - this.#pingBackAt;
    if (this.#state === "up" && silentMs > MISSED_BEATS * this.#heartbeatMs) {
      this.#down(`no own heartbeat for ${silentMs} ms`);
    }
    void this.#send({ op: "ping", ts: this.#now() });
    if (this.#state === "up") void this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#flushing || this.#queue.size === 0) return;
    this.#flushing = true;
    try {
      await Promise.all(this.#queue.drain().map((invalidation) => this.#send(invalidation, true)));
    } finally {
      this.#flushing = false;
    }
  }

  #recover(reason: RecoverReason): void {
    this.stats.recoveries++;
    this.#options.onRecover?.(reason);
  }

  #setState(state: BusState, reason: string): void {
    this.#state = state;
    this.#options.onState?.(state, reason);
  }
}

import { BackendError } from "../../runtime/index.js";
import type { BusTransport, TransportListener } from "../../runtime/backends/bus-transport.js";

/**
 * An in-process stand-in for Redis pub/sub, for deterministic bus tests: every transport of a hub
 * sees what the others publish (in a later microtask, as a server would deliver it), and the test
 * can drop, stall, resume or fail each transport.
 */
export class MemoryHub {
  readonly #transports = new Set<MemoryTransport>();

  /** A new transport on this hub. */
  transport(): MemoryTransport {
    const transport = new MemoryTransport(this);
    this.#transports.add(transport);
    return transport;
  }

  /** Delivers a payload to every subscribed transport, as PUBLISH would. */
  publish(channel: string, payload: string): void {
    const bytes = Buffer.from(payload);
    for (const transport of this.#transports) transport.deliver(channel, bytes);
  }
}

/** One process's connection to a {@link MemoryHub}. */
export class MemoryTransport implements BusTransport {
  /** Publishing rejects with a BackendError while true. */
  failPublish = false;
  #channel: string | undefined;
  #listener: TransportListener | undefined;
  #connected = false;
  #held: Uint8Array[] | undefined;

  constructor(readonly hub: MemoryHub) {}

  publish(channel: string, payload: string): Promise<void> {
    if (this.failPublish) return Promise.reject(new BackendError("memory-bus", "publish failed"));
    queueMicrotask(() => this.hub.publish(channel, payload));
    return Promise.resolve();
  }

  subscribe(channel: string, listener: TransportListener): Promise<void> {
    this.#channel = channel;
    this.#listener = listener;
    this.#connected = true;
    listener.ready();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#connected = false;
    this.#listener = undefined;
    return Promise.resolve();
  }

  /** Called by the hub. */
  deliver(channel: string, payload: Uint8Array): void {
    if (!this.#connected || channel !== this.#channel) return;
    if (this.#held) this.#held.push(payload);
    else this.#listener?.message(payload);
  }

  /** Loses the subscription: messages published meanwhile never arrive. */
  drop(): void {
    this.#connected = false;
    this.#listener?.down("dropped");
  }

  /** Subscribes again after {@link drop}. */
  reconnect(): void {
    this.#connected = true;
    this.#listener?.ready();
  }

  /** Holds every message without telling the bus, like a silent network. */
  stall(): void {
    this.#held = [];
  }

  /** Delivers what {@link stall} held, in order. */
  resume(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const payload of held) this.#listener?.message(payload);
  }
}

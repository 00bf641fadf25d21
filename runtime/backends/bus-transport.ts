/** What a transport tells its bus about the subscription. */
export interface TransportListener {
  /** A payload arrived on the channel. */
  message(payload: Uint8Array): void;
  /** The subscription is (again) in place: messages published from now on arrive. */
  ready(): void;
  /** The subscription's connection was lost: messages may be missed until the next `ready`. */
  down(reason: string): void;
}

/**
 * Carries the bus's messages between processes: one channel per bus, publish and subscribe, and
 * the subscription's health. The bus adds the protocol, heartbeat and recovery on top.
 */
export interface BusTransport {
  /** Publishes one payload; rejects when it could not be sent. */
  publish(channel: string, payload: string): Promise<void>;
  /** Subscribes to the channel; resolves once subscribed (and has called `listener.ready()`). */
  subscribe(channel: string, listener: TransportListener): Promise<void>;
  /** Ends the subscription and anything the transport opened; the publishing client is left open. */
  close(): Promise<void>;
}

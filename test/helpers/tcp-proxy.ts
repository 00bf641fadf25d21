import net from "node:net";
import type { HostPort } from "./servers.js";

interface Link {
  readonly client: net.Socket;
  readonly upstream: net.Socket;
  /** Data held while stalled, in arrival order, with the socket it is bound for. */
  readonly held: [to: net.Socket, chunk: Buffer][];
}

/**
 * A TCP proxy on 127.0.0.1 in front of one server, for fault tests: it can stall a connection
 * (hold every byte until resumed, so late replies arrive afterwards), slow it down, cut it, or
 * refuse new connections as a dead server would.
 */
export class TcpProxy implements HostPort {
  readonly host = "127.0.0.1";
  #delayMs = 0;
  #stalled = false;
  #refusing = false;
  /** Callers of {@link holding} waiting for the first held byte. */
  #onHold: (() => void)[] = [];
  readonly #links = new Set<Link>();
  readonly #server: net.Server;

  private constructor(
    readonly port: number,
    server: net.Server,
  ) {
    this.#server = server;
  }

  /** Starts a proxy to `target` on a free port. */
  static async start(target: HostPort): Promise<TcpProxy> {
    // Clients connect only once the server listens, after `proxy` is set.
    const server = net.createServer((client) => {
      proxy.#accept(client, target);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const proxy = new TcpProxy((server.address() as net.AddressInfo).port, server);
    return proxy;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#links.size;
  }

  /** Holds every byte in both directions until {@link resume}. */
  stall(): void {
    this.#stalled = true;
  }

  /**
   * Resolves once the stall holds bytes (at once if it already does): a request has left the
   * client and is stuck here, so what the test does next happens while it is in flight.
   */
  holding(): Promise<void> {
    if ([...this.#links].some((link) => link.held.length > 0)) return Promise.resolve();
    return new Promise((resolve) => this.#onHold.push(resolve));
  }

  /** Delays every chunk by `ms` (order kept). */
  slow(ms: number): void {
    this.#delayMs = ms;
  }

  /** Resets every open connection; new ones are still accepted. */
  cut(): void {
    for (const link of this.#links) {
      link.client.resetAndDestroy();
      link.upstream.destroy();
    }
    this.#links.clear();
  }

  /** Cuts every connection and refuses new ones until {@link resume}, like a dead server. */
  down(): void {
    this.#refusing = true;
    this.cut();
  }

  /** Back to normal: delivers held bytes in order, accepts connections, no delay. */
  resume(): void {
    this.#stalled = false;
    this.#refusing = false;
    this.#delayMs = 0;
    for (const link of this.#links) {
      for (const [to, chunk] of link.held.splice(0)) to.write(chunk);
    }
  }

  /** Cuts everything and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: net.Socket, target: HostPort): void {
    if (this.#refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const link: Link = { client, upstream, held: [] };
    this.#links.add(link);
    const forward = (to: net.Socket) => (chunk: Buffer) => {
      if (this.#stalled) {
        link.held.push([to, chunk]);
        for (const resolve of this.#onHold.splice(0)) resolve();
      } else if (this.#delayMs > 0) setTimeout(() => to.write(chunk), this.#delayMs);
      else to.write(chunk);
    };
    client.on("data", forward(upstream));
    upstream.on("data", forward(client));
    const end = () => {
      this.#links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on("error", end).on("close", end);
  }
}

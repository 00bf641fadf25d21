import { BackendError } from "../errors.js";
import { SingleFlight } from "../single-flight.js";
import type { MemcachedReply } from "./memcached-connection.js";
import { checkKey } from "./memcached-keys.js";

const PREFIX = "cachegen:gen:";

/** The memcached key holding a namespace's generation counter: it must be a valid key itself. */
export function generationKey(namespace: string): string {
  return PREFIX + namespace;
}
/** Past this many namespaces, expired entries are dropped before a new one is remembered. */
const REMEMBERED_LIMIT = 1024;

/**
 * Namespace generations, for a `clear(namespace)` on a store that cannot enumerate keys: each
 * namespace has a counter in memcached, its keys carry the current value, and clearing bumps it.
 *
 * A value read is trusted for `ttlMs`, so another process's clear is seen within that bound (0:
 * read on every operation); this process's own clears are seen at once. A missing counter (first
 * use, or evicted) is created at the current time in ms, so it never repeats an earlier generation
 * and old entries cannot come back.
 */
export class Generations {
  readonly #known = new Map<string, { readonly value: number; readonly until: number }>();
  readonly #reading = new SingleFlight<string, string>();
  readonly #send: (key: string, line: string) => Promise<MemcachedReply>;
  readonly #ttlMs: number;

  /** `send` runs a command on the server that owns `key`. */
  constructor(send: (key: string, line: string) => Promise<MemcachedReply>, ttlMs: number) {
    this.#send = send;
    this.#ttlMs = ttlMs;
  }

  /** The namespace's current generation, from memory while it is trusted. */
  current(namespace: string): string | Promise<string> {
    const known = this.#known.get(namespace);
    if (known !== undefined && known.until > Date.now()) return known.value.toString(36);
    return this.#reading.run(namespace, () => this.#add(namespace, 0));
  }

  /** Moves the namespace to a new generation: its entries become unreachable. */
  bump(namespace: string): Promise<string> {
    return this.#add(namespace, 1);
  }

  /** Forgets every generation read (after flush_all removed the counters). */
  forget(): void {
    this.#known.clear();
  }

  async #add(namespace: string, delta: number): Promise<string> {
    const key = generationKey(namespace);
    checkKey(key, key, 0);
    const reply = await this.#send(key, `ma ${key} N0 J${Date.now()} D${delta} v`);
    if (reply.status !== "VA" || reply.value === undefined) {
      throw new BackendError(
        "memcached",
        `memcached could not read the generation of namespace ${JSON.stringify(namespace)}: ${[reply.status, ...reply.words].join(" ")}`,
      );
    }
    const value = Number(reply.value.toString("latin1"));
    const now = Date.now();
    if (this.#known.size >= REMEMBERED_LIMIT) {
      for (const [ns, entry] of this.#known) if (entry.until <= now) this.#known.delete(ns);
    }
    // Replies on different pooled connections can cross: never step back to an older generation.
    const known = this.#known.get(namespace);
    if (known === undefined || value >= known.value) this.#known.set(namespace, { value, until: now + this.#ttlMs });
    return value.toString(36);
  }
}

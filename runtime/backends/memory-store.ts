import { BackendError, ConfigError, NotAnIntegerError } from "../errors.js";
import { KEEP_TTL, parseDecimal, type Backend, type TtlMs, type Versioned } from "./backend.js";
import { Recency } from "./recency.js";

/** Settings of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** LRU bound on the number of entries. @default unbounded */
  readonly maxSize?: number | undefined;
}

/** How often expired entries are reclaimed; reads never depend on it (they check expiry lazily). */
const SWEEP_INTERVAL_MS = 1000;
const INITIAL_CAPACITY = 16;

/**
 * An in-process store laid out as lru-cache is: a `Map` from key to slot number, and per-slot
 * columns (key, value, expiry, write stamp), so a read is one hash lookup and two array reads, with
 * no entry object to chase. With `maxSize`, recency is a doubly linked list over the slots
 * ({@link Recency}), so a read moves two indexes instead of re-inserting into the `Map`.
 *
 * Expiry is lazy: a read checks the deadline, and one unref()'d sweep reclaims expired slots in the
 * background, so no per-key timers exist and the process can exit. An entry's expiry lives in its
 * slot, so an evicted, deleted or cleared entry leaves nothing behind for the sweep.
 */
export class MemoryStore implements Backend {
  readonly name = "memory";
  readonly separator = "";
  /** The LRU bound, `undefined` when unbounded. */
  readonly maxSize: number | undefined;
  readonly #slots = new Map<string, number>();
  #keys: (string | undefined)[] = [];
  #values: unknown[] = [];
  /** Epoch ms, 0 for never. */
  #expires = new Float64Array(INITIAL_CAPACITY);
  /** The write that last filled each slot: the version compare-and-set checks. */
  #stamps = new Float64Array(INITIAL_CAPACITY);
  #writes = 0;
  /** Slots in use or freed so far; slots past it were never used. */
  #used = 0;
  #free: number[] = [];
  /** Slots holding an expiry: the sweep runs while there are any. */
  #expiring = 0;
  readonly #recency: Recency | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxSize } = options;
    if (maxSize !== undefined && (!Number.isSafeInteger(maxSize) || maxSize < 1)) {
      throw new ConfigError([{ path: "maxSize", message: `${maxSize} is not a positive integer` }]);
    }
    this.maxSize = maxSize;
    this.#recency = maxSize === undefined ? undefined : new Recency(INITIAL_CAPACITY);
  }

  /** Entries holding an expiry, live or not yet swept. */
  get expiring(): number {
    return this.#expiring;
  }

  get(key: string): unknown {
    const slot = this.#live(key);
    return slot < 0 ? undefined : this.#values[slot];
  }

  multiGet(keys: readonly string[]): unknown[] {
    return keys.map((key) => this.get(key));
  }

  set(key: string, value: unknown, ttl: TtlMs): void {
    this.#write(key, value, expiry(ttl));
  }

  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs): void {
    const at = expiry(ttl);
    for (const [key, value] of entries) this.#write(key, value, at);
  }

  add(key: string, value: unknown, ttl: TtlMs): boolean {
    if (this.#live(key) >= 0) return false;
    this.#write(key, value, expiry(ttl));
    return true;
  }

  delete(key: string): number {
    const slot = this.#live(key);
    if (slot < 0) return 0;
    this.#remove(slot);
    return 1;
  }

  exists(key: string): boolean {
    return this.#live(key) >= 0;
  }

  increment(key: string, delta: number): number {
    const slot = this.#live(key);
    const current = slot < 0 ? 0 : decimal(key, this.#values[slot]);
    const next = current + delta;
    if (!Number.isSafeInteger(next)) throw new NotAnIntegerError(key);
    this.#write(key, String(next), slot < 0 ? 0 : this.#expires[slot]!);
    return next;
  }

  expire(key: string, ttl: TtlMs): boolean {
    const slot = this.#live(key);
    if (slot < 0) return false;
    this.#setExpiry(slot, expiry(ttl));
    return true;
  }

  getTtl(key: string): number | null | undefined {
    const slot = this.#live(key);
    if (slot < 0) return undefined;
    const at = this.#expires[slot]!;
    return at === 0 ? null : Math.max(0, at - Date.now());
  }

  clear(namespace: string): void {
    if (namespace === "") {
      this.#reset();
      return;
    }
    for (const [key, slot] of this.#slots) if (key.startsWith(namespace)) this.#remove(slot);
  }

  raw(command: string, args: readonly unknown[]): Promise<unknown> {
    const key = String(args[0]);
    switch (command) {
      case "get":
        return Promise.resolve(this.get(key));
      case "set":
        this.#write(key, args[1], 0);
        return Promise.resolve("OK");
      case "has":
        return Promise.resolve(this.exists(key));
      case "delete":
        return Promise.resolve(this.delete(key) === 1);
      case "keys":
        return Promise.resolve([...this.#slots.keys()].filter((k) => this.#live(k) >= 0));
      case "size":
        return Promise.resolve(this.#slots.size);
      default:
        return Promise.reject(
          new BackendError(
            this.name,
            `Unknown raw command ${JSON.stringify(command)}; use get, set, has, delete, keys or size.`,
          ),
        );
    }
  }

  getVersioned(key: string): Versioned | undefined {
    const slot = this.#live(key);
    return slot < 0 ? undefined : { value: this.#values[slot], token: this.#stamps[slot] };
  }

  setIfVersion(key: string, value: unknown, expected: Versioned | undefined, ttl: TtlMs): boolean {
    const slot = this.#live(key);
    if (slot < 0 ? expected !== undefined : this.#stamps[slot] !== expected?.token) return false;
    this.#write(key, value, ttl === KEEP_TTL ? (slot < 0 ? 0 : this.#expires[slot]!) : expiry(ttl));
    return true;
  }

  deleteIfEquals(key: string, value: unknown): boolean {
    const slot = this.#live(key);
    if (slot < 0 || !sameStored(this.#values[slot], value)) return false;
    this.#remove(slot);
    return true;
  }

  close(): Promise<void> {
    this.#stopSweep();
    return Promise.resolve();
  }

  /** The key's slot if present and not expired (an expired one is removed on the way), else -1. */
  #live(key: string): number {
    const slot = this.#slots.get(key);
    if (slot === undefined) return -1;
    const at = this.#expires[slot]!;
    if (at !== 0 && at <= Date.now()) {
      this.#remove(slot);
      return -1;
    }
    this.#recency?.touch(slot);
    return slot;
  }

  #write(key: string, value: unknown, expiresAt: number): void {
    let slot = this.#slots.get(key);
    if (slot === undefined) {
      slot = this.#allocate();
      this.#slots.set(key, slot);
      this.#keys[slot] = key;
      this.#recency?.push(slot);
    } else {
      this.#recency?.touch(slot);
    }
    this.#values[slot] = value;
    this.#stamps[slot] = ++this.#writes;
    this.#setExpiry(slot, expiresAt);
  }

  /** A free slot: the least recently used one when the bound is reached, else a freed or new one. */
  #allocate(): number {
    if (this.#recency !== undefined && this.#slots.size >= this.maxSize!) this.#remove(this.#recency.oldest);
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    if (this.#used === this.#expires.length) this.#grow();
    return this.#used++;
  }

  #remove(slot: number): void {
    this.#slots.delete(this.#keys[slot]!);
    this.#keys[slot] = undefined;
    this.#values[slot] = undefined;
    this.#setExpiry(slot, 0);
    this.#recency?.unlink(slot);
    this.#free.push(slot);
  }

  #setExpiry(slot: number, at: number): void {
    const before = this.#expires[slot]!;
    if (before === at) return;
    this.#expires[slot] = at;
    if (before === 0) {
      this.#expiring++;
      this.#sweep ??= setInterval(() => this.#reclaim(), SWEEP_INTERVAL_MS).unref();
    } else if (at === 0) {
      this.#expiring--;
    }
  }

  #grow(): void {
    const capacity = this.#expires.length * 2;
    this.#expires = resized(this.#expires, capacity);
    this.#stamps = resized(this.#stamps, capacity);
    this.#recency?.grow(capacity);
  }

  #reset(): void {
    this.#slots.clear();
    this.#keys = [];
    this.#values = [];
    this.#expires = new Float64Array(INITIAL_CAPACITY);
    this.#stamps = new Float64Array(INITIAL_CAPACITY);
    this.#used = 0;
    this.#free = [];
    this.#expiring = 0;
    this.#recency?.reset(INITIAL_CAPACITY);
    this.#stopSweep();
  }

  #reclaim(): void {
    const now = Date.now();
    const expires = this.#expires;
    for (let slot = 0; slot < this.#used; slot++) {
      const at = expires[slot]!;
      if (at !== 0 && at <= now) this.#remove(slot);
    }
    if (this.#expiring === 0) this.#stopSweep();
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }
}

/** A TTL as an absolute deadline (epoch ms), 0 for none. */
function expiry(ttl: TtlMs): number {
  return ttl === null ? 0 : Date.now() + ttl;
}

function resized(array: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  const next = new Float64Array(capacity);
  next.set(array);
  return next;
}

function decimal(key: string, value: unknown): number {
  if (typeof value !== "string") throw new NotAnIntegerError(key);
  return parseDecimal(key, value);
}

function sameStored(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

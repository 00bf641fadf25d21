import type { CacheOptions } from "../cache-options.js";
import { Cache } from "../cache.js";
import { BackendError, NotAnIntegerError } from "../errors.js";
import type { OverridesFrom, overridesType } from "../overrides.js";
import type { BasePlugin } from "../plugins/base.js";
import { NullSerializer } from "../serializers/null.js";
import { KEEP_TTL, parseDecimal, type Backend, type TtlMs, type Versioned } from "./backend.js";

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
> extends CacheOptions<V, P> {
  /** LRU bound on the number of entries; the least recently used entry goes first. @default unbounded */
  maxSize?: number;
}

/** An in-process cache. Each instance has its own storage; values stay across close(). */
export class MemoryCache<V = unknown, P extends readonly BasePlugin[] = readonly BasePlugin[]> extends Cache<V, P> {
  /** The LRU bound, `undefined` when unbounded. */
  readonly maxSize: number | undefined;
  declare readonly [overridesType]?: OverridesFrom<MemoryCacheOptions<V, P>>;

  constructor(options: MemoryCacheOptions<V, P> = {}) {
    super(new MemoryStore(options.maxSize), new NullSerializer<V>(), options);
    this.maxSize = options.maxSize;
  }
}

/** How often expired entries are reclaimed; reads never depend on it (they check expiry lazily). */
const SWEEP_INTERVAL_MS = 1000;

// A fresh object per write: setIfVersion compares entries by identity.
class Entry {
  constructor(
    readonly value: unknown,
    /** Epoch ms, 0 for never. */
    readonly expiresAt: number,
  ) {}
}

/**
 * A Map with lazy expiry: a read checks the deadline, and one unref()'d sweep reclaims expired keys
 * in the background, so no per-key timers exist, the process can exit, and clear() leaves nothing behind.
 */
export class MemoryStore implements Backend {
  readonly name = "memory";
  readonly separator = "";
  readonly #map = new Map<string, Entry>();
  /** Keys written with an expiry, the only ones the sweep has to visit. */
  readonly #expiring = new Set<string>();
  #sweep: NodeJS.Timeout | undefined;

  constructor(readonly maxSize?: number) {
    if (maxSize !== undefined && (!Number.isSafeInteger(maxSize) || maxSize < 1)) {
      throw new RangeError(`max_size must be a positive integer, got ${maxSize}`);
    }
  }

  get(key: string): unknown {
    return this.#live(key)?.value;
  }

  multiGet(keys: readonly string[]): unknown[] {
    return keys.map((key) => this.#live(key)?.value);
  }

  set(key: string, value: unknown, ttl: TtlMs): void {
    this.#write(key, value, ttl);
  }

  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs): void {
    for (const [key, value] of entries) this.#write(key, value, ttl);
  }

  add(key: string, value: unknown, ttl: TtlMs): boolean {
    if (this.#live(key) !== undefined) return false;
    this.#write(key, value, ttl);
    return true;
  }

  delete(key: string): number {
    const existed = this.#live(key) !== undefined;
    this.#map.delete(key);
    return existed ? 1 : 0;
  }

  exists(key: string): boolean {
    return this.#live(key) !== undefined;
  }

  increment(key: string, delta: number): number {
    const entry = this.#live(key);
    const current = entry === undefined ? 0 : decimal(key, entry.value);
    const next = current + delta;
    if (!Number.isSafeInteger(next)) throw new NotAnIntegerError(key);
    this.#write(key, String(next), entry === undefined ? null : KEEP_TTL, entry);
    return next;
  }

  expire(key: string, ttl: TtlMs): boolean {
    const entry = this.#live(key);
    if (entry === undefined) return false;
    this.#write(key, entry.value, ttl);
    return true;
  }

  getTtl(key: string): number | null | undefined {
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    return entry.expiresAt === 0 ? null : Math.max(0, entry.expiresAt - Date.now());
  }

  clear(namespace: string): void {
    if (namespace === "") {
      this.#map.clear();
      this.#expiring.clear();
    } else {
      for (const key of this.#map.keys()) if (key.startsWith(namespace)) this.#map.delete(key);
    }
  }

  raw(command: string, args: readonly unknown[]): Promise<unknown> {
    const key = String(args[0]);
    switch (command) {
      case "get":
        return Promise.resolve(this.#live(key)?.value);
      case "set":
        this.#write(key, args[1], null);
        return Promise.resolve("OK");
      case "has":
        return Promise.resolve(this.#live(key) !== undefined);
      case "delete":
        return Promise.resolve(this.#map.delete(key));
      case "keys":
        return Promise.resolve([...this.#map.keys()].filter((k) => this.#live(k) !== undefined));
      case "size":
        return Promise.resolve(this.#map.size);
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
    const entry = this.#live(key);
    return entry === undefined ? undefined : { value: entry.value, token: entry };
  }

  setIfVersion(key: string, value: unknown, expected: Versioned | undefined, ttl: TtlMs): boolean {
    const entry = this.#live(key);
    if (entry !== expected?.token) return false;
    this.#write(key, value, ttl, entry);
    return true;
  }

  deleteIfEquals(key: string, value: unknown): boolean {
    const entry = this.#live(key);
    if (entry === undefined || !sameStored(entry.value, value)) return false;
    this.#map.delete(key);
    return true;
  }

  close(): Promise<void> {
    this.#stopSweep();
    return Promise.resolve();
  }

  /** The entry if present and not expired; an expired one is removed on the way. */
  #live(key: string): Entry | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== 0 && entry.expiresAt <= Date.now()) {
      this.#map.delete(key);
      return undefined;
    }
    if (this.maxSize !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, entry);
    }
    return entry;
  }

  #write(key: string, value: unknown, ttl: TtlMs, previous = ttl === KEEP_TTL ? this.#live(key) : undefined): void {
    const expiresAt = ttl === KEEP_TTL ? (previous?.expiresAt ?? 0) : ttl === null ? 0 : Date.now() + ttl;
    const map = this.#map;
    if (this.maxSize !== undefined) {
      map.delete(key);
      while (map.size >= this.maxSize) map.delete(map.keys().next().value as string);
    }
    map.set(key, new Entry(value, expiresAt));
    if (expiresAt !== 0) {
      this.#expiring.add(key);
      this.#sweep ??= setInterval(() => this.#reclaim(), SWEEP_INTERVAL_MS).unref();
    }
  }

  #reclaim(): void {
    const now = Date.now();
    for (const key of this.#expiring) {
      const entry = this.#map.get(key);
      if (entry === undefined || entry.expiresAt === 0) {
        this.#expiring.delete(key);
      } else if (entry.expiresAt <= now) {
        this.#map.delete(key);
        this.#expiring.delete(key);
      }
    }
    if (this.#expiring.size === 0) this.#stopSweep();
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }
}

function decimal(key: string, value: unknown): number {
  if (typeof value !== "string") throw new NotAnIntegerError(key);
  return parseDecimal(key, value);
}

function sameStored(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
  return a === b;
}

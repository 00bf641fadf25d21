import { MemoryStore } from "../backends/memory-store.js";
import { EnvelopeEntry } from "../serializers/envelope.js";

/** Settings of {@link LocalTier}, in ms. */
export interface LocalTierSettings {
  readonly maxSize: number;
  readonly ttlMs: number;
}

/**
 * The in-process tier in front of a remote store: decoded entries by reference in a
 * {@link MemoryStore} (LRU, lazy expiry), keyed by built key.
 *
 * The fill race: a read of the store that started before an invalidation of its key (a bus
 * message, a clear) may answer with the old value after the invalidation dropped the local copy.
 * Every invalidation takes a new epoch and remembers it per key; a fill carries the epoch its read
 * started in, and is discarded when its key (or everything) was invalidated since.
 */
export class LocalTier<V> {
  readonly #store: MemoryStore;
  readonly #ttlMs: number;
  #epoch = 0;
  #clearedAt = 0;
  /** Epoch of each key's last invalidation, kept while some read may still fill. */
  readonly #invalidated = new Map<string, number>();
  #reads = 0;

  constructor(settings: LocalTierSettings) {
    this.#store = new MemoryStore({ maxSize: settings.maxSize });
    this.#ttlMs = settings.ttlMs;
  }

  /** The local copy of `key`, stale-marked ones included. */
  get(key: string): EnvelopeEntry<V> | undefined {
    return this.#store.get(key) as EnvelopeEntry<V> | undefined;
  }

  /** Starts a read of the store whose answer may {@link fill} the tier; returns its epoch. */
  beginRead(): number {
    this.#reads++;
    return this.#epoch;
  }

  /** Keeps what a read started at `epoch` found, unless its key (or everything) was invalidated since. */
  fill(key: string, entry: EnvelopeEntry<V> | undefined, epoch: number, lifetimeMs: number | null): void {
    if (entry !== undefined && epoch >= this.#clearedAt && (this.#invalidated.get(key) ?? -1) <= epoch) {
      this.set(key, entry, lifetimeMs);
    }
  }

  /** Ends a read started with {@link beginRead}, whatever it found. */
  endRead(): void {
    if (--this.#reads === 0) this.#invalidated.clear();
  }

  /** Keeps `entry` (this process's own write), for at most the tier's TTL and never past its grace. */
  set(key: string, entry: EnvelopeEntry<V>, lifetimeMs: number | null = null): void {
    this.#store.set(key, entry, lifetimeMs === null ? this.#ttlMs : Math.min(this.#ttlMs, Math.max(1, lifetimeMs)));
  }

  /** Drops keys (another process wrote or deleted them); reads in flight will not bring them back. */
  drop(keys: readonly string[]): void {
    const epoch = ++this.#epoch;
    for (const key of keys) {
      this.#store.delete(key);
      if (this.#reads > 0) this.#invalidated.set(key, epoch);
    }
  }

  /** Marks keys stale: kept only as a fail-safe fallback, never served as fresh. */
  markStale(keys: readonly string[]): void {
    for (const key of keys) {
      const entry = this.get(key);
      this.drop([key]);
      if (entry !== undefined && !entry.stale) {
        const { value, createdAt, expiresAt, tags } = entry;
        this.#store.set(key, new EnvelopeEntry(value, createdAt, expiresAt, tags, true), this.#ttlMs);
      }
    }
  }

  /** Drops everything, e.g. after the bus missed messages. */
  clear(): void {
    this.#clearedAt = ++this.#epoch;
    this.#invalidated.clear();
    this.#store.clear("");
  }

  close(): void {
    void this.#store.close();
  }
}

import { EnvelopeEntry } from "../serializers/envelope.js";

/** Settings of {@link LocalTier}, in ms. */
export interface LocalTierSettings {
  readonly maxSize: number;
  readonly ttlMs: number;
}

/** A local copy, until when (epoch ms) the tier may hand it out, and whether it was read since it last came round. */
interface Held<V> {
  readonly entry: EnvelopeEntry<V>;
  readonly until: number;
  used: boolean;
}

/**
 * The in-process tier in front of a remote store: decoded entries by reference, keyed by built
 * key, at most `maxSize` of them. A hit costs one Map lookup, one clock reading (shared with the
 * caller's freshness check) and one flag write: eviction is second chance (CLOCK), which
 * approximates LRU without reordering anything on a read. When full, a write evicts the oldest
 * copy not read since it was last passed over; read ones go to the back once, their flag cleared.
 *
 * The fill race: a read of the store that started before an invalidation of its key (a bus
 * message, a clear) may answer with the old value after the invalidation dropped the local copy.
 * Every invalidation takes a new epoch and remembers it per key; a fill carries the epoch its read
 * started in, and is discarded when its key (or everything) was invalidated since.
 */
export class LocalTier<V> {
  readonly #held = new Map<string, Held<V>>();
  /** The most copies kept. */
  readonly maxSize: number;
  readonly #ttlMs: number;
  #epoch = 0;
  #clearedAt = 0;
  /** Epoch of each key's last invalidation, kept while some read may still fill. */
  readonly #invalidated = new Map<string, number>();
  #reads = 0;

  constructor(settings: LocalTierSettings) {
    this.maxSize = settings.maxSize;
    this.#ttlMs = settings.ttlMs;
  }

  /** The local copy of `key` at `now`, stale-marked ones included. */
  get(key: string, now = Date.now()): EnvelopeEntry<V> | undefined {
    const held = this.#held.get(key);
    if (held === undefined) return undefined;
    if (now >= held.until) {
      this.#held.delete(key);
      return undefined;
    }
    held.used = true;
    return held.entry;
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
    this.#hold(key, entry, lifetimeMs === null ? this.#ttlMs : Math.min(this.#ttlMs, Math.max(1, lifetimeMs)));
  }

  /** Drops keys (another process wrote or deleted them); reads in flight will not bring them back. */
  drop(keys: readonly string[]): void {
    const epoch = ++this.#epoch;
    for (const key of keys) {
      this.#held.delete(key);
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
        this.#hold(key, new EnvelopeEntry(value, createdAt, expiresAt, tags, true), this.#ttlMs);
      }
    }
  }

  /** Drops everything, e.g. after the bus missed messages. */
  clear(): void {
    this.#clearedAt = ++this.#epoch;
    this.#invalidated.clear();
    this.#held.clear();
  }

  #hold(key: string, entry: EnvelopeEntry<V>, lifetimeMs: number): void {
    const held = this.#held;
    if (!held.delete(key) && held.size >= this.maxSize) this.#evictOne();
    held.set(key, { entry, until: Date.now() + lifetimeMs, used: false });
  }

  #evictOne(): void {
    const held = this.#held;
    for (const [key, copy] of held) {
      held.delete(key);
      if (!copy.used) return;
      copy.used = false;
      held.set(key, copy);
    }
  }
}

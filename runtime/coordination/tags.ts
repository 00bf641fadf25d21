/**
 * Where tag invalidation times live: one small key per tag holding epoch ms as decimal text, so
 * any language can read it. Adapters for each store are in `tag-stores.ts`.
 */
export interface TagStore {
  /** The times stored under the keys, in order; `undefined` where a key is missing or not a time. */
  multiGet(keys: readonly string[]): Promise<(number | undefined)[]>;
  /** Stores `ts` only when the key is missing; true when it did. */
  add(key: string, ts: number): Promise<boolean>;
  /** Stores `ts` unless the key holds a later time (max semantics); resolves the time stored afterwards. */
  setIfGreater(key: string, ts: number): Promise<number>;
}

/** The reserved key of a tag, before the alias's namespace is applied: `__cg:tag:<tag>`. */
export function tagKey(tag: string): string {
  return `__cg:tag:${tag}`;
}

/** Options of {@link TagClock}. */
export interface TagClockOptions {
  readonly store: TagStore;
  /** The stored key of a tag: the alias's key layout applied to {@link tagKey}. @default tagKey */
  readonly keyOf?: ((tag: string) => string) | undefined;
  /** How long a time read from the store is trusted, in ms (see {@link TagClock.checkIntervalMs}). @default 1000 */
  readonly checkIntervalMs?: number | undefined;
  /** Most tags remembered; the least recently learned is forgotten first, and read again when needed. @default 10000 */
  readonly maxTags?: number | undefined;
  /** The clock, epoch ms. @default Date.now */
  readonly now?: (() => number) | undefined;
}

/** A tag's invalidation time and when this process learned it. */
interface Known {
  readonly ts: number;
  readonly checkedAt: number;
}

/**
 * Lazy tag invalidation, as bentocache and FusionCache do it: `deleteByTag` stamps each tag with
 * the current time, and an entry created at `c` with tags is valid iff every tag's time is before
 * `c`. Nothing is scanned or deleted; invalidated entries are skipped on read. The clock answers
 * from memory while its times are fresh, and reads the missing or stale ones in one multi-get.
 * A tag key that is missing (evicted, or removed by `clear`) counts as invalidated now, so what it
 * invalidated never comes back.
 */
export class TagClock {
  /**
   * How long a time read from the store is trusted, in ms: other processes' `deleteByTag` is seen
   * within this bound. `Infinity` while a healthy bus delivers every invalidation ({@link apply});
   * 0 reads the store on every check.
   */
  checkIntervalMs: number;
  readonly #known = new Map<string, Known>();
  readonly #pending = new Map<string, Promise<ReadonlyMap<string, number>>>();
  readonly #store: TagStore;
  readonly #keyOf: (tag: string) => string;
  readonly #maxTags: number;
  readonly #now: () => number;

  constructor(options: TagClockOptions) {
    this.#store = options.store;
    this.#keyOf = options.keyOf ?? tagKey;
    this.checkIntervalMs = options.checkIntervalMs ?? 1000;
    this.#maxTags = options.maxTags ?? 10_000;
    this.#now = options.now ?? (() => Date.now());
  }

  /**
   * Whether an entry created at `createdAt` with `tags` survives every `deleteByTag` so far:
   * synchronous when every tag's time is fresh (or one already invalidates it), else one read.
   */
  isValid(createdAt: number, tags: readonly string[]): boolean | Promise<boolean> {
    const now = this.#now();
    let unknown: string[] | undefined;
    for (const tag of tags) {
      const known = this.#known.get(tag);
      if (known === undefined || now - known.checkedAt >= this.checkIntervalMs) (unknown ??= []).push(tag);
      else if (known.ts >= createdAt) return false;
    }
    if (unknown === undefined) return true;
    return this.#fetch(unknown).then((read) =>
      tags.every((tag) => (read.get(tag) ?? this.#known.get(tag)?.ts ?? Infinity) < createdAt),
    );
  }

  /** `deleteByTag`: stamps each tag with the current time (max semantics); resolves that time, for the bus. */
  async invalidate(tags: readonly string[]): Promise<number> {
    const ts = this.#now();
    for (const tag of tags) this.#learn(tag, ts, ts);
    const stored = await Promise.all(tags.map((tag) => this.#store.setIfGreater(this.#keyOf(tag), ts)));
    stored.forEach((time, i) => this.#learn(tags[i]!, time, ts));
    return ts;
  }

  /** A peer's `deleteByTag`, received on the bus: learned without a read. */
  apply(tags: readonly string[], ts: number): void {
    const now = this.#now();
    for (const tag of tags) this.#learn(tag, ts, now);
  }

  /**
   * Before writing an entry created at `createdAt`: creates the keys of tags this process has not
   * seen yet, at `createdAt - 1`. A key that was lost then invalidates everything older than the
   * entry, rather than reviving it.
   */
  async ensure(tags: readonly string[], createdAt: number): Promise<void> {
    const fresh = tags.filter((tag) => !this.#known.has(tag));
    await Promise.all(
      fresh.map(async (tag) => {
        const created = await this.#store.add(this.#keyOf(tag), createdAt - 1);
        // The key exists either way; when another writer made it, its time is read on the next check.
        if (created) this.#learn(tag, createdAt - 1, this.#now());
        else if (!this.#known.has(tag)) this.#remember(tag, { ts: 0, checkedAt: -Infinity });
      }),
    );
  }

  /** Forgets every time learned, e.g. when the bus reconnects after missing messages. */
  reset(): void {
    this.#known.clear();
  }

  /** Reads tags in one multi-get; a tag already being read joins that read. */
  #fetch(tags: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const reads = new Set<Promise<ReadonlyMap<string, number>>>();
    const todo = tags.filter((tag) => {
      const pending = this.#pending.get(tag);
      if (pending !== undefined) reads.add(pending);
      return pending === undefined;
    });
    if (todo.length > 0) {
      const read = this.#read(todo).finally(() => {
        for (const tag of todo) if (this.#pending.get(tag) === read) this.#pending.delete(tag);
      });
      for (const tag of todo) this.#pending.set(tag, read);
      reads.add(read);
    }
    return Promise.all(reads).then((maps) => new Map(maps.flatMap((map) => [...map])));
  }

  async #read(tags: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const checkedAt = this.#now();
    const stored = await this.#store.multiGet(tags.map((tag) => this.#keyOf(tag)));
    const times = await Promise.all(tags.map(async (tag, i) => stored[i] ?? this.#recreate(tag, checkedAt)));
    return new Map(tags.map((tag, i) => [tag, this.#learn(tag, times[i]!, checkedAt)]));
  }

  /** A missing tag key was lost: it counts as invalidated now, and is stored so (unless a writer beat us). */
  async #recreate(tag: string, now: number): Promise<number> {
    const key = this.#keyOf(tag);
    if (await this.#store.add(key, now)) return now;
    const [stored] = await this.#store.multiGet([key]);
    return stored ?? now;
  }

  /** Records a tag's time (never lowering it) and returns the time now known. */
  #learn(tag: string, ts: number, checkedAt: number): number {
    const known = this.#known.get(tag);
    const time = known === undefined ? ts : Math.max(known.ts, ts);
    this.#remember(tag, { ts: time, checkedAt: Math.max(known?.checkedAt ?? checkedAt, checkedAt) });
    return time;
  }

  #remember(tag: string, known: Known): void {
    this.#known.delete(tag);
    this.#known.set(tag, known);
    if (this.#known.size > this.#maxTags) this.#known.delete(this.#known.keys().next().value!);
  }
}

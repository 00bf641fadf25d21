import type { Invalidation } from "./protocol.js";

/** One queued invalidation: of one key, one tag, or a whole namespace. */
type Item =
  | { readonly op: "set" | "delete"; readonly ns: string; readonly key: string }
  | { readonly op: "clear"; readonly ns: string }
  | { readonly op: "tags"; readonly ns: string; readonly tag: string; readonly ts: number };

/**
 * Invalidations whose publish failed, kept to be sent again: one item per key, tag or cleared
 * namespace, the last write winning (a tag keeps its latest time), the oldest dropped beyond
 * `maxSize`. A dropped item is not lost to peers: its failed message took a `seq`, so they saw a
 * gap and cleared their local tiers.
 */
export class RetryQueue {
  readonly #items = new Map<string, Item>();
  /** Items dropped because the queue was full, since it was created. */
  dropped = 0;

  constructor(readonly maxSize: number) {
    if (!Number.isSafeInteger(maxSize) || maxSize < 1) {
      throw new RangeError(`the retry queue's size must be a positive integer, got ${maxSize}`);
    }
  }

  /** Items waiting. */
  get size(): number {
    return this.#items.size;
  }

  /** Queues an invalidation; `keepNewer` leaves an item already queued for the same target alone. */
  add(invalidation: Invalidation, keepNewer = false): void {
    for (const item of itemsOf(invalidation)) {
      const id = idOf(item);
      const queued = this.#items.get(id);
      if (queued !== undefined && keepNewer) continue;
      this.#items.delete(id);
      this.#items.set(id, item.op === "tags" && queued?.op === "tags" && queued.ts > item.ts ? queued : item);
      if (this.#items.size > this.maxSize) {
        this.#items.delete(this.#items.keys().next().value!);
        this.dropped++;
      }
    }
  }

  /** Empties the queue into as few invalidations as it holds kinds: per op and namespace, tags per time. */
  drain(): Invalidation[] {
    const groups = new Map<string, Invalidation>();
    for (const item of this.#items.values()) {
      const group = item.op === "tags" ? `tags\0${item.ns}\0${item.ts}` : `${item.op}\0${item.ns}`;
      const message = groups.get(group);
      if (item.op === "clear") groups.set(group, item);
      else if (item.op === "tags") {
        if (message?.op === "tags") (message.tags as string[]).push(item.tag);
        else groups.set(group, { op: "tags", ns: item.ns, tags: [item.tag], ts: item.ts });
      } else if (message?.op === item.op) (message.keys as string[]).push(item.key);
      else groups.set(group, { op: item.op, ns: item.ns, keys: [item.key] });
    }
    this.#items.clear();
    return [...groups.values()];
  }
}

function itemsOf(invalidation: Invalidation): Item[] {
  const { ns } = invalidation;
  switch (invalidation.op) {
    case "clear":
      return [{ op: "clear", ns }];
    case "tags":
      return invalidation.tags.map((tag) => ({ op: "tags", ns, tag, ts: invalidation.ts }));
    default:
      return invalidation.keys.map((key) => ({ op: invalidation.op, ns, key }));
  }
}

/** Set and delete of one key share an id: both drop the key from peers' local tiers, and the last one wins. */
function idOf(item: Item): string {
  switch (item.op) {
    case "clear":
      return `c\0${item.ns}`;
    case "tags":
      return `t\0${item.ns}\0${item.tag}`;
    default:
      return `k\0${item.ns}\0${item.key}`;
  }
}

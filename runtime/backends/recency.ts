const NONE = -1;

/**
 * Least-recently-used order of numbered slots: a doubly linked list kept in two typed arrays, as
 * lru-cache keeps it. Touching a slot relinks it at the newest end in a few array writes, with no
 * allocation and no hash table work.
 */
export class Recency {
  #prev: Int32Array<ArrayBuffer>;
  #next: Int32Array<ArrayBuffer>;
  #newest = NONE;
  #oldest = NONE;

  constructor(capacity: number) {
    this.#prev = new Int32Array(capacity);
    this.#next = new Int32Array(capacity);
  }

  /** The least recently used slot; only meaningful while some slot is linked. */
  get oldest(): number {
    return this.#oldest;
  }

  /** Links a slot not in the list as the newest. */
  push(slot: number): void {
    this.#prev[slot] = this.#newest;
    this.#next[slot] = NONE;
    if (this.#newest === NONE) this.#oldest = slot;
    else this.#next[this.#newest] = slot;
    this.#newest = slot;
  }

  /** Makes a linked slot the newest. */
  touch(slot: number): void {
    if (slot === this.#newest) return;
    this.unlink(slot);
    this.push(slot);
  }

  /** Takes a linked slot out of the list. */
  unlink(slot: number): void {
    const prev = this.#prev[slot]!;
    const next = this.#next[slot]!;
    if (prev === NONE) this.#oldest = next;
    else this.#next[prev] = next;
    if (next === NONE) this.#newest = prev;
    else this.#prev[next] = prev;
  }

  /** Makes room for slots up to `capacity`, keeping the order. */
  grow(capacity: number): void {
    this.#prev = copied(this.#prev, capacity);
    this.#next = copied(this.#next, capacity);
  }

  /** Empties the list. */
  reset(capacity: number): void {
    this.#prev = new Int32Array(capacity);
    this.#next = new Int32Array(capacity);
    this.#newest = NONE;
    this.#oldest = NONE;
  }
}

function copied(array: Int32Array<ArrayBuffer>, capacity: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(capacity);
  next.set(array);
  return next;
}

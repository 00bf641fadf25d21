/**
 * Records events as they happen and lets a test await one by its content, so tests wait on events
 * rather than on time. `next` looks at events from `from` on (default: any recorded so far).
 */
export class Recorder<T> {
  readonly items: T[] = [];
  readonly #waiters: { from: number; match: (item: T) => boolean; resolve: (item: T) => void }[] = [];

  /** Records an event and wakes the tests waiting for it. */
  readonly push = (item: T): void => {
    this.items.push(item);
    const index = this.items.length - 1;
    for (const waiter of [...this.#waiters]) {
      if (index >= waiter.from && waiter.match(item)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(item);
      }
    }
  };

  /** The first event at index `from` or later that matches; waits for it when none has yet. */
  next(match: (item: T) => boolean = () => true, from = 0): Promise<T> {
    const found = this.items.slice(from).find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ from, match, resolve }));
  }

  /** A mark for {@link next}: only events recorded after this call. */
  get mark(): number {
    return this.items.length;
  }
}

/**
 * Concurrent requests for one key share one run: the first caller starts it, later callers get the
 * same promise until it settles, and the next caller after that starts afresh. An error reaches
 * every caller of that run and is not remembered.
 */
export class SingleFlight<K, V> {
  readonly #flights = new Map<K, Promise<V>>();

  /** The run in flight for `key`, or a new one from `start`. */
  run(key: K, start: () => Promise<V>): Promise<V> {
    let flight = this.#flights.get(key);
    if (flight === undefined) {
      flight = start().finally(() => this.#flights.delete(key));
      this.#flights.set(key, flight);
    }
    return flight;
  }
}

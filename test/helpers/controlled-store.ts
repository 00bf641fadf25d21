import { MemoryStore } from "../../runtime/backends/memory-store.js";
import type { Backend, MaybePromise, TtlMs, Versioned } from "../../runtime/index.js";

/**
 * A real MemoryStore behind knobs the pipeline tests need: calls can answer a turn later (like a
 * network store), be held back until released (timeouts, late replies), or lose compare-and-set.
 */
export class ControlledStore implements Backend {
  readonly name = "controlled";
  readonly separator = ":";
  readonly store = new MemoryStore();
  readonly calls: string[] = [];
  /** When set, calls wait for `release()` instead of answering at once. */
  hold = false;
  /** When true, calls answer on a later turn of the event loop, as a network store does. */
  deferred = false;
  /** When true, setIfVersion always reports a lost race. */
  loseRaces = false;
  #held: (() => void)[] = [];

  /** Lets every held call answer now. */
  release(): void {
    for (const resume of this.#held.splice(0)) resume();
  }

  #answer<T>(method: string, work: () => T): MaybePromise<T> {
    this.calls.push(method);
    if (this.deferred) return new Promise<void>((resolve) => setImmediate(resolve)).then(work);
    if (!this.hold) return work();
    return new Promise<T>((resolve, reject) => {
      this.#held.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  get(key: string) {
    return this.#answer("get", () => this.store.get(key));
  }
  multiGet(keys: readonly string[]) {
    return this.#answer("multiGet", () => this.store.multiGet(keys));
  }
  set(key: string, value: unknown, ttl: TtlMs) {
    return this.#answer("set", () => this.store.set(key, value, ttl));
  }
  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs) {
    return this.#answer("multiSet", () => this.store.multiSet(entries, ttl));
  }
  add(key: string, value: unknown, ttl: TtlMs) {
    return this.#answer("add", () => this.store.add(key, value, ttl));
  }
  delete(key: string) {
    return this.#answer("delete", () => this.store.delete(key));
  }
  exists(key: string) {
    return this.#answer("exists", () => this.store.exists(key));
  }
  increment(key: string, delta: number) {
    return this.#answer("increment", () => this.store.increment(key, delta));
  }
  expire(key: string, ttl: TtlMs) {
    return this.#answer("expire", () => this.store.expire(key, ttl));
  }
  getTtl(key: string) {
    return this.#answer("getTtl", () => this.store.getTtl(key));
  }
  clear(namespace: string) {
    return this.#answer("clear", () => this.store.clear(namespace));
  }
  raw(command: string, args: readonly unknown[]) {
    this.calls.push("raw");
    return this.store.raw(command, args);
  }
  getVersioned(key: string) {
    return this.#answer("getVersioned", () => this.store.getVersioned(key));
  }
  setIfVersion(key: string, value: unknown, expected: Versioned | undefined, ttl: TtlMs) {
    return this.#answer("setIfVersion", () => !this.loseRaces && this.store.setIfVersion(key, value, expected, ttl));
  }
  deleteIfEquals(key: string, value: unknown) {
    return this.#answer("deleteIfEquals", () => this.store.deleteIfEquals(key, value));
  }
  close() {
    this.calls.push("close");
    return Promise.resolve();
  }
}

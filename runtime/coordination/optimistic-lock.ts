import type { CasVersion, OperationOptions, SetOptions } from "../cache-options.js";
import { OptimisticLockError } from "../errors.js";
import type { Pipeline } from "../pipeline/pipeline.js";

type ValueOf<C> = C extends { get(key: string): Promise<infer V | undefined> } ? V : unknown;

/** What a key of cache `C` may be: a string, or its key template's parameters. */
type KeyOf<C> = C extends Pipeline<any, any, infer K> ? string | K : string;

/**
 * Read, compute, then write only if nobody wrote in between (aiocache's `OptimisticLock`). Nothing
 * is held while computing; a lost race is an {@link OptimisticLockError} to retry on. Memcached
 * compares with its CAS token, Redis and memory with the value read.
 */
export class OptimisticLock<C extends Pipeline<any>, V = ValueOf<C>> {
  readonly #cache: C;
  readonly #options: OperationOptions;
  /** What `read()` saw: the version, or `undefined` for an absent key; `null` before any read. */
  #seen: CasVersion | undefined | null = null;

  /** The key as the lock was given it. */
  readonly key: KeyOf<C>;

  constructor(cache: C, key: KeyOf<NoInfer<C>>, options: OperationOptions = {}) {
    this.#cache = cache;
    this.key = key;
    this.#options = options;
  }

  /** Reads the current value and remembers its version; `undefined` when the key is absent. */
  async read(): Promise<V | undefined> {
    const read = await this.#cache.getVersioned(this.key, this.#options);
    this.#seen = read?.version;
    return read?.value as V | undefined;
  }

  /**
   * Writes `value` if the key still holds what `read()` saw (or is still absent); otherwise
   * nothing is written and it throws {@link OptimisticLockError}. Read again before the next cas.
   */
  async cas(value: V, options?: SetOptions): Promise<true> {
    if (this.#seen === null)
      throw new TypeError(`OptimisticLock(${JSON.stringify(this.key)}): call read() before cas()`);
    const written = await this.#cache.setIfVersion(this.key, value, this.#seen, { ...this.#options, ...options });
    if (!written) throw new OptimisticLockError(this.#cache.keyText(this.key));
    return true;
  }
}

import type { Duration } from "../duration.js";
import type { LoaderContext, LoaderSignal } from "../policy-options.js";

/** The context a `getOrSet` loader receives: what it sets decides how its result is stored. */
export class LoaderRun<V> implements LoaderContext<V> {
  ttl: Duration | undefined;
  tags: readonly string[];
  #skipped = false;

  constructor(
    readonly stale: V | undefined,
    readonly signal: LoaderSignal,
    ttl: Duration | undefined,
    tags: readonly string[] | undefined,
  ) {
    this.ttl = ttl;
    this.tags = tags ?? [];
  }

  /** Whether the loader declined caching its result. */
  get skipped(): boolean {
    return this.#skipped;
  }

  skipCache(): void {
    this.#skipped = true;
  }
}

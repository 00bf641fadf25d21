import { MemoryStore } from "./backends/memory-store.js";
import type { CacheOptions } from "./cache-options.js";
import { Cache } from "./cache.js";
import type { OverridesFrom, overridesType } from "./overrides.js";
import type { BasePlugin } from "./plugins/base.js";
import { NullSerializer } from "./serializers/null.js";

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
> extends CacheOptions<V, P> {
  /** LRU bound on the number of entries; the least recently used entry goes first. @default unbounded */
  maxSize?: number;
}

/** An in-process cache. Each instance has its own storage; values stay across close(). */
export class MemoryCache<
  V = unknown,
  P extends readonly BasePlugin[] = readonly BasePlugin[],
  K = string,
> extends Cache<V, P, K> {
  /** The LRU bound, `undefined` when unbounded. */
  readonly maxSize: number | undefined;
  declare readonly [overridesType]?: OverridesFrom<MemoryCacheOptions<V, P>>;

  constructor(options: MemoryCacheOptions<V, P> = {}) {
    super(new MemoryStore({ maxSize: options.maxSize }), new NullSerializer<V>(), options);
    this.maxSize = options.maxSize;
  }
}

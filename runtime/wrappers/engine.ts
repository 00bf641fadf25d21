import { cacheGetter, choiceHasTemplate, type LooseChoice } from "./cache-choice.js";
import { keyMaker, type KeyOptions, type Receiver } from "./call-key.js";
import { GuardedCache } from "./guarded.js";
import type { CachedControls } from "./controls.js";
import { callSwitches, REFRESH, type CacheSwitches, type WrapperOptions } from "./options.js";

/** Settings of `cached` and `cachedStampede`, whatever their cache choice; `K` is what the cache takes as a key. */
export interface CachedOptions<R = unknown, K = string> extends WrapperOptions, KeyOptions<K> {
  /** Results for which this returns true are returned but not stored (aiocache's `skip_cache_func`). */
  skipCache?: (result: R) => boolean;
}

/** One call as a flow sees it: its key, the guarded cache, the function, and the write policy. */
export interface CallSteps<R> {
  readonly key: string;
  readonly store: GuardedCache<R>;
  load(): Promise<R>;
  /** Stores a result unless writes are off, it is `undefined` (a miss), or `skipCache` says no. */
  write(value: R): Promise<void>;
}

/** How a call becomes a value: what differs between `cached` and `cachedStampede`. */
export type Flow = <R>(steps: CallSteps<R>, cacheRead: boolean) => Promise<R>;

/** Read, else call and write: `cached`'s flow. */
export const plainFlow: Flow = async (steps, cacheRead) => {
  if (cacheRead) {
    const hit = await steps.store.get(steps.key);
    if (hit !== undefined) return hit;
  }
  const value = await steps.load();
  await steps.write(value);
  return value;
};

/** A wrapped function's behaviour with the receiver and arguments passed explicitly. */
export interface Engine<A extends unknown[] = unknown[], R = unknown> {
  readonly kind: "cached";
  call(self: unknown, args: A, switches?: CacheSwitches): Promise<R>;
  keyFor(self: unknown, args: A): string;
  invalidate(self: unknown, args: A): Promise<boolean>;
  controls(self: unknown): CachedControls<A, R>;
}

/** Builds the engine of one wrapped function or method. */
export function createEngine<A extends unknown[], R>(
  fn: (this: unknown, ...args: A) => Promise<R>,
  options: CachedOptions<R, unknown> & LooseChoice,
  receiver: Receiver,
  nameOf: (self: unknown) => string,
  flow: Flow,
): Engine<A, R> {
  const store = new GuardedCache<R>(cacheGetter(options), options);
  const keyOf = keyMaker(options, receiver, nameOf, {
    text: (key) => store.cache.keyText(key),
    templated: choiceHasTemplate(options),
  });
  const { skipCache } = options;
  const engine: Engine<A, R> = {
    kind: "cached",
    async call(self, args, switches) {
      const { cacheRead, cacheWrite } = callSwitches(options, switches);
      const key = keyOf(self, args);
      return flow<R>(
        {
          key,
          store,
          load: () => fn.apply(self, args),
          write: (value) =>
            cacheWrite && value !== undefined && skipCache?.(value) !== true
              ? store.set(key, value)
              : Promise.resolve(),
        },
        cacheRead,
      );
    },
    keyFor: keyOf,
    async invalidate(self, args) {
      return (await store.cache.delete(keyOf(self, args), store.options)) === 1;
    },
    controls: (self) => controlsFor(engine, self),
  };
  return engine;
}

function controlsFor<A extends unknown[], R>(engine: Engine<A, R>, self: unknown): CachedControls<A, R> {
  return {
    invalidate: (...args) => engine.invalidate(self, args),
    keyFor: (...args) => engine.keyFor(self, args),
    refresh: (...args) => engine.call(self, args, REFRESH),
    with:
      (switches) =>
      (...args) =>
        engine.call(self, args, switches),
  };
}

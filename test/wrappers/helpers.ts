import { Cache, NullSerializer, type CacheErrorContext, type CacheOptions } from "../../runtime/index.js";
import { ControlledStore } from "../helpers/controlled-store.js";

/** A function that counts its calls, for asserting when a wrapper calls through. */
export function counting<A extends unknown[], R>(body: (...args: A) => R | Promise<R>) {
  const calls: A[] = [];
  const fn = async (...args: A): Promise<R> => {
    calls.push(args);
    return body(...args);
  };
  return { fn, calls };
}

/** Collects what a wrapper reports to `onError`. */
export function errorLog() {
  const seen: { error: unknown; context: CacheErrorContext }[] = [];
  return { seen, onError: (error: unknown, context: CacheErrorContext) => void seen.push({ error, context }) };
}

/** A cache whose store can hang (`store.hold = true`), to play an unreachable server. */
export function controlledCache<V>(options: CacheOptions<V> = {}) {
  const store = new ControlledStore();
  return { store, cache: new Cache<V>(store, new NullSerializer<V>(), options) };
}

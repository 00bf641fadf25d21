import { stableKey } from "./stable-key.js";

/**
 * How a wrapper names a call's cache entry. `K` is what the cache takes as a key: a string, or also
 * its key template's parameters (`{ id: number }`), which the cache writes into the template.
 */
export interface KeyOptions<K = string> {
  /** One fixed key for every call (aiocache's `key`). */
  key?: K;
  /**
   * Builds the key from the call's arguments; `this` is the call's receiver. Used as is (the cache
   * adds its namespace); with a key template it may return the template's parameters instead.
   */
  keyBuilder?: (...args: any[]) => K;
  /** Leave the receiver out of the key: the first argument of a function (default false), `this` of a method (default true). */
  noSelf?: boolean;
}

/** Where the receiver of a call is: a function's first argument, or a method's `this`. */
export type Receiver = "first-argument" | "this";

/** Computes the key of one call from its receiver and arguments. */
export type KeyOf = (self: unknown, args: readonly unknown[]) => string;

/** A key as text: a string as is, key template parameters written into the cache's template. */
export type KeyText = (key: unknown) => string;

/**
 * The key of a call: `key`, else `keyBuilder(...args)`, else the function's name and its
 * stable-serialized arguments, e.g. `getUser(1,{"a":1})`. Template parameters become text through
 * `text`, at each call (the cache of an alias may change).
 */
export function keyMaker(
  options: KeyOptions<unknown>,
  receiver: Receiver,
  nameOf: (self: unknown) => string,
  text: KeyText,
): KeyOf {
  const { key, keyBuilder } = options;
  if (key !== undefined) return typeof key === "string" ? () => key : () => text(key);
  if (keyBuilder !== undefined) {
    return (self, args) => {
      const built: unknown = keyBuilder.apply(self, args as unknown[]);
      if (typeof built === "string") return built;
      if (built !== null && typeof built === "object") return text(built);
      throw new TypeError(`keyBuilder must return a string or key template parameters, got ${typeof built}`);
    };
  }
  const withSelf = receiver === "this" && options.noSelf === false;
  const skipFirst = receiver === "first-argument" && options.noSelf === true;
  return (self, args) => {
    const parts = withSelf ? [self, ...args] : skipFirst ? args.slice(1) : args;
    return `${nameOf(self)}(${parts.map(stableKey).join(",")})`;
  };
}

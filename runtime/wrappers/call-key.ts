import { stableKey } from "./stable-key.js";

/** How a wrapper names a call's cache entry. */
export interface KeyOptions {
  /** One fixed key for every call (aiocache's `key`). */
  key?: string;
  /** Builds the key from the call's arguments; `this` is the call's receiver. Used as is (the cache adds its namespace). */
  keyBuilder?: (...args: any[]) => string;
  /** Leave the receiver out of the key: the first argument of a function (default false), `this` of a method (default true). */
  noSelf?: boolean;
}

/** Where the receiver of a call is: a function's first argument, or a method's `this`. */
export type Receiver = "first-argument" | "this";

/** Computes the key of one call from its receiver and arguments. */
export type KeyOf = (self: unknown, args: readonly unknown[]) => string;

/**
 * The key of a call: `key`, else `keyBuilder(...args)`, else the function's name and its
 * stable-serialized arguments, e.g. `getUser(1,{"a":1})`.
 */
export function keyMaker(options: KeyOptions, receiver: Receiver, nameOf: (self: unknown) => string): KeyOf {
  const { key, keyBuilder } = options;
  if (key !== undefined) return () => key;
  if (keyBuilder !== undefined) {
    return (self, args) => {
      const built: unknown = keyBuilder.apply(self, args as unknown[]);
      if (typeof built !== "string") throw new TypeError(`keyBuilder must return a string, got ${typeof built}`);
      return built;
    };
  }
  const withSelf = receiver === "this" && options.noSelf === false;
  const skipFirst = receiver === "first-argument" && options.noSelf === true;
  return (self, args) => {
    const parts = withSelf ? [self, ...args] : skipFirst ? args.slice(1) : args;
    return `${nameOf(self)}(${parts.map(stableKey).join(",")})`;
  };
}

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

/**
 * Without `key` or `keyBuilder`, a wrapper of a cache with a key template keys each call by its first
 * argument, so a function `F` whose first parameter is not the template's parameters (or a key
 * string) must say how its calls are keyed. `K` is what the cache takes as a key.
 */
export type TemplateKeyed<F, K> = [Exclude<K, string>] extends [never]
  ? unknown
  : F extends (first: infer First, ...rest: any[]) => unknown
    ? [First] extends [K]
      ? unknown
      : KeyOrBuilder<K>
    : KeyOrBuilder<K>;

/** `key` or `keyBuilder`: what a templated wrapper needs when its first argument is not a key. */
export type KeyOrBuilder<K> = { key: K } | { keyBuilder: (...args: any[]) => K };

/** Computes the key of one call from its receiver and arguments. */
export type KeyOf = (self: unknown, args: readonly unknown[]) => string;

/** The chosen cache's keys, as the wrapper sees them. */
export interface CacheKeys {
  /** A key as text: a string as is, key template parameters written into the cache's template (at each call). */
  text(key: unknown): string;
  /** Whether the cache had a key template when the wrapper was made: then a call's first argument is its key. */
  readonly templated: boolean;
}

/**
 * The key of a call: `key`, else `keyBuilder(...args)`, else, when the cache has a key template,
 * the call's first argument (the template's parameters, or a key string), else the function's name
 * and its stable-serialized arguments, e.g. `getUser(1,{"a":1})`. Template parameters become text
 * through `keys`, at each call.
 */
export function keyMaker(
  options: KeyOptions<unknown>,
  receiver: Receiver,
  nameOf: (self: unknown) => string,
  keys: CacheKeys,
): KeyOf {
  const { key, keyBuilder } = options;
  const text = (built: unknown) => keys.text(built);
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
    if (keys.templated) return text(args[skipFirst ? 1 : 0]);
    const parts = withSelf ? [self, ...args] : skipFirst ? args.slice(1) : args;
    return `${nameOf(self)}(${parts.map(stableKey).join(",")})`;
  };
}

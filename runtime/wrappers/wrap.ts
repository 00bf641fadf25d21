import type { CachedControls, MultiCachedControls } from "./controls.js";
import type { AsyncFunction } from "./options.js";

/** A standard (TC39, TypeScript 5) method decorator that keeps the method's type; `V` bounds its results. */
export type CachingDecorator<V> = <This, F extends (this: This, ...args: any[]) => Promise<V>>(
  target: F,
  context: ClassMethodDecoratorContext<This, F>,
) => F;

/** What wrapping needs from a wrapper's engine: a call with an explicit receiver, and helpers for one. */
export interface Wrappable {
  readonly kind: "cached" | "multiCached";
  call(self: unknown, args: never[]): Promise<unknown>;
  controls(self: unknown): object;
}

type Method = (this: unknown, ...args: never[]) => Promise<unknown>;

/** Engines of decorated methods, so {@link cachedControls} can find them from the method. */
const ENGINES = new WeakMap<object, Wrappable>();

/** Calls `engine` with the wrapper's receiver and arguments. */
function caller(engine: Wrappable): Method {
  return function (this: unknown, ...args: never[]) {
    return engine.call(this, args);
  };
}

/** Wraps a function: the engine behind it, its name kept, and the engine's helpers attached (the overloads type them). */
export function wrapFunction(fn: AsyncFunction, engine: Wrappable): unknown {
  const wrapper = caller(engine);
  Object.defineProperty(wrapper, "name", { value: fn.name });
  return Object.assign(wrapper, engine.controls(undefined));
}

/**
 * A method decorator whose engine keys calls as `Class.method(args)`. The class is the one whose
 * prototype (or constructor, for static methods) holds this very wrapper, found from the first
 * receiver; a subclass instance therefore shares its base class's entries.
 */
export function methodDecorator(
  make: (fn: Method, nameOf: (self: unknown) => string) => Wrappable,
): CachingDecorator<unknown> {
  return ((target: Method, context: ClassMethodDecoratorContext) => {
    const method = String(context.name);
    let owner: string | undefined;
    const engine = make(target, (self) => {
      owner ??= declaringClass(self, method, wrapper);
      return owner === undefined ? method : `${owner}.${method}`;
    });
    const wrapper = caller(engine);
    ENGINES.set(wrapper, engine);
    return wrapper;
  }) as CachingDecorator<unknown>;
}

function declaringClass(self: unknown, method: string, wrapper: Method): string | undefined {
  for (let o: unknown = self; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    if (Object.getOwnPropertyDescriptor(o, method)?.value === wrapper) {
      return typeof o === "function" ? o.name : o.constructor.name;
    }
  }
  return undefined;
}

type AsyncMethodKey<T> = { [K in keyof T]: T[K] extends AsyncFunction ? K : never }[keyof T];

function controlsOf(kind: Wrappable["kind"], target: object, method: PropertyKey): object {
  const engine = ENGINES.get((target as Record<PropertyKey, object>)[method]!);
  if (engine?.kind !== kind) {
    const decorators = kind === "cached" ? "@cached or @cachedStampede" : "@multiCached";
    throw new TypeError(`${String(method)} is not a method decorated with ${decorators}.`);
  }
  return engine.controls(target);
}

/** The helpers of a method decorated with `@cached` or `@cachedStampede`, for calls on `target` (an instance, or the class for a static method). */
export function cachedControls<T extends object, K extends AsyncMethodKey<T>>(
  target: T,
  method: K,
): T[K] extends (...args: infer A) => Promise<infer R> ? CachedControls<A, R> : never {
  return controlsOf("cached", target, method) as never;
}

/** The helpers of a method decorated with `@multiCached`, for calls on `target`. */
export function multiCachedControls<T extends object, K extends AsyncMethodKey<T>>(
  target: T,
  method: K,
): T[K] extends (...args: infer A) => Promise<infer R> ? MultiCachedControls<A, R> : never {
  return controlsOf("multiCached", target, method) as never;
}

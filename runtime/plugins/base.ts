import type { OperationEvent } from "../events.js";
import type { Operation } from "../operations.js";

/**
 * What a plugin hook receives. `took` (seconds) and `result` are set for post hooks only; a `get`
 * miss has `result` undefined even when the caller passed a `default`, so hit ratios stay honest.
 */
export interface HookContext {
  /** The cache running the operation. */
  readonly cache: unknown;
  readonly op: Operation;
  /** The arguments as the caller passed them. */
  readonly args: readonly unknown[];
  /** The built key (namespace applied), for single-key operations. */
  readonly key?: string;
  /** The built keys, for multiGet / multiSet. */
  readonly keys?: readonly string[];
  took?: number;
  result?: unknown;
}

/** A hook may be sync or async; a throwing `pre` hook aborts the operation. */
export type Hook = (context: HookContext) => void | Promise<void>;

/**
 * The plugin base class (aiocache's BasePlugin): optional hooks around each operation, run in plugin
 * list order. A `pre` hook that throws (or rejects) aborts the operation before the backend is called;
 * `post` hooks see `took` and `result`. Hooks a plugin leaves out cost nothing on the hot path.
 */
export class BasePlugin {
  /** Receives every settled operation's event (failures included), as `cachegen:operation` subscribers do. */
  onOperation?(event: OperationEvent): void;
  preGet?(context: HookContext): void | Promise<void>;
  postGet?(context: HookContext): void | Promise<void>;
  preMultiGet?(context: HookContext): void | Promise<void>;
  postMultiGet?(context: HookContext): void | Promise<void>;
  preSet?(context: HookContext): void | Promise<void>;
  postSet?(context: HookContext): void | Promise<void>;
  preMultiSet?(context: HookContext): void | Promise<void>;
  postMultiSet?(context: HookContext): void | Promise<void>;
  preAdd?(context: HookContext): void | Promise<void>;
  postAdd?(context: HookContext): void | Promise<void>;
  preDelete?(context: HookContext): void | Promise<void>;
  postDelete?(context: HookContext): void | Promise<void>;
  preExists?(context: HookContext): void | Promise<void>;
  postExists?(context: HookContext): void | Promise<void>;
  preIncrement?(context: HookContext): void | Promise<void>;
  postIncrement?(context: HookContext): void | Promise<void>;
  preExpire?(context: HookContext): void | Promise<void>;
  postExpire?(context: HookContext): void | Promise<void>;
  preGetTtl?(context: HookContext): void | Promise<void>;
  postGetTtl?(context: HookContext): void | Promise<void>;
  preClear?(context: HookContext): void | Promise<void>;
  postClear?(context: HookContext): void | Promise<void>;
  preRaw?(context: HookContext): void | Promise<void>;
  postRaw?(context: HookContext): void | Promise<void>;
}

/** Every hook a plugin may define. */
export type PluginHooks = Pick<BasePlugin, `${"pre" | "post"}${Capitalize<Operation>}`>;

/** The hook method names: `preGet`, `postGet`, `preMultiSet`, … */
export type HookName = keyof PluginHooks;

/** The method a plugin defines to hook `op`: `preGet`, `postMultiSet`, … */
export function hookName(when: "pre" | "post", op: Operation): HookName {
  return `${when}${op[0]!.toUpperCase()}${op.slice(1)}` as HookName;
}

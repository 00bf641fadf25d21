import { OPERATIONS, type Operation } from "../operations.js";
import { hookName, type BasePlugin, type Hook, type HookName } from "./base.js";

/** An operation's hooks, bound to their plugins, in list order. */
export interface OperationHooks {
  readonly pre: readonly Hook[];
  readonly post: readonly Hook[];
}

/** Operation → its hooks; an operation no plugin hooks into has no entry, so it runs without them. */
export type HookTable = Partial<Record<Operation, OperationHooks>>;

/** Collects the plugins' hooks once per cache, so an operation looks them up in one property read. */
export function hookTable(plugins: readonly BasePlugin[]): HookTable {
  const table: HookTable = {};
  const pick = (name: HookName) =>
    plugins.filter((p) => typeof p[name] === "function").map((p): Hook => p[name]!.bind(p));
  for (const op of OPERATIONS) {
    const pre = pick(hookName("pre", op));
    const post = pick(hookName("post", op));
    if (pre.length > 0 || post.length > 0) table[op] = { pre, post };
  }
  return table;
}

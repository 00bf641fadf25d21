import { parentPort } from "node:worker_threads";
import { tasks, type Tasks } from "./tasks.js";

/** A call from the main thread; the answer carries the same `id`. */
export interface TaskRequest {
  readonly id: number;
  readonly method: keyof Tasks;
  readonly args: readonly unknown[];
}

/** A result, an error, or word that the result cannot be copied to the main thread. */
export type TaskReply =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string } }
  | { readonly id: number; readonly uncloneable: true };

/** Code shaped like a generated file, for prettier's first, cold pass. */
const WARM_UP = `import { TypedCacheRegistry, type MemoryCache, type NoPlugins, type RedisCache } from "cachegen";
import type { User } from "./models.js";
import { validators } from "./caches.validators.js";
/** A value. */
export interface Value { id: string; count?: number; tags?: string[]; nested?: { a: "x" | "y"; b: number[] }; [k: string]: unknown }
export type Other = string | number | null | boolean | Value[];
// prettier-ignore
const config = { a: { cache: "memory", ttl: 60 } } as const;
export interface CacheConfig extends Readonly<typeof config> {}
export type CacheAlias = "a" | "b" | "c";
export interface CacheValues { a: Value; b: Other; "c-d": User }
export interface CacheTypes { a: MemoryCache<Value, NoPlugins>; b: RedisCache<Other, readonly [HitMissRatioPlugin, TimingPlugin]> }
export const caches: TypedCacheRegistry<CacheTypes, CacheConfig> = new TypedCacheRegistry<CacheTypes, CacheConfig>(config, { fingerprint: "0", validators });
`;

const port = parentPort!;

// One task at a time, in arrival order. First both libraries load, while the main thread loads
// ts-morph; a failed load is reported by the task that needs the library.
const loaded = Promise.all([import("json-schema-to-typescript"), import("prettier")]).catch(() => undefined);
let queue: Promise<unknown> = loaded;

port.on("message", ({ id, method, args }: TaskRequest) => {
  queue = queue.then(async () => {
    let result: unknown;
    try {
      const run = tasks[method] as (...a: readonly unknown[]) => Promise<unknown>;
      result = await run(...args);
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, error: { name, message } } satisfies TaskReply);
      return;
    }
    try {
      port.postMessage({ id, result } satisfies TaskReply);
    } catch {
      port.postMessage({ id, uncloneable: true } satisfies TaskReply);
    }
  });
});

// Prettier's first pass in a process runs cold code and costs about twice a later one: one pass
// over a sample, after the requests that came in while the libraries loaded.
void loaded.then(() =>
  setImmediate(() => {
    queue = queue.then(() => tasks.format(WARM_UP, {})).catch(() => undefined);
  }),
);

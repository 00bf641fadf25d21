import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { tasks, type Tasks } from "./tasks.js";
import type { TaskReply, TaskRequest } from "./worker.js";

/**
 * json-schema-to-typescript and prettier, behind promises: in a worker thread, they load and work
 * while the main thread loads ts-morph, the longest step of a cold run; in process, they load on
 * first use.
 */
export type Toolchain = Tasks & {
  /** Ends the worker, if any. */
  close(): Promise<void>;
};

/** The toolchain in this thread, each library loaded on first use. */
export const inProcess: Toolchain = { ...tasks, close: async () => {} };

/**
 * Starts the worker toolchain, or returns {@link inProcess} when there is no built worker (the
 * sources run under a TypeScript loader, which a worker would not inherit). A worker that fails
 * hands its calls, pending and later, to {@link inProcess}: it only ever costs speed.
 */
export function startToolchain(file = fileURLToPath(new URL("./worker.js", import.meta.url))): Toolchain {
  if (!existsSync(file)) return inProcess;
  const worker = new Worker(file);
  const pending = new Map<number, { request: TaskRequest; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let failed = false;
  let nextId = 0;
  const local = (request: TaskRequest) =>
    (inProcess[request.method] as (...args: readonly unknown[]) => Promise<unknown>)(...request.args);
  const fail = () => {
    failed = true;
    for (const { request, resolve, reject } of pending.values()) local(request).then(resolve, reject);
    pending.clear();
  };
  worker.on("message", (reply: TaskReply) => {
    const call = pending.get(reply.id);
    if (call === undefined) return;
    pending.delete(reply.id);
    if ("result" in reply) call.resolve(reply.result);
    else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  });
  worker.on("error", fail);
  worker.on("exit", fail);
  const call = (method: keyof Tasks, args: readonly unknown[]): Promise<never> => {
    const request: TaskRequest = { id: nextId++, method, args };
    if (failed) return local(request) as Promise<never>;
    return new Promise((resolve, reject) => {
      pending.set(request.id, { request, resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage(request);
    });
  };
  return {
    compileSchema: (...args) => call("compileSchema", args),
    prettierOptions: (...args) => call("prettierOptions", args),
    format: (...args) => call("format", args),
    close: async () => {
      worker.off("exit", fail);
      await worker.terminate();
    },
  };
}

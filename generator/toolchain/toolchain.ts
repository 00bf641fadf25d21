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
 * sources run under a TypeScript loader, which a worker would not inherit) or no worker may start.
 * Whatever the worker cannot do runs in process instead: a call whose arguments or result cannot
 * be copied between threads (a prettier config holding plugin objects), and every call, pending or
 * later, once the worker fails or the toolchain is closed. The worker only ever costs speed.
 */
export function startToolchain(file = fileURLToPath(new URL("./worker.js", import.meta.url))): Toolchain {
  if (!existsSync(file)) return inProcess;
  let worker: Worker;
  try {
    worker = new Worker(file);
  } catch {
    // Node's permission model without --allow-worker, or no threads to spare.
    return inProcess;
  }
  const pending = new Map<
    number,
    { request: TaskRequest; resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  let failed = false;
  let nextId = 0;
  const local = (request: TaskRequest) =>
    (inProcess[request.method] as (...args: readonly unknown[]) => Promise<unknown>)(...request.args);
  const takeOver = (id: number) => {
    const call = pending.get(id);
    pending.delete(id);
    if (call !== undefined) local(call.request).then(call.resolve, call.reject);
  };
  const fail = () => {
    failed = true;
    for (const id of [...pending.keys()]) takeOver(id);
  };
  worker.on("message", (reply: TaskReply) => {
    const call = pending.get(reply.id);
    if (call === undefined) return;
    if ("uncloneable" in reply) {
      takeOver(reply.id);
      return;
    }
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
      try {
        worker.postMessage(request);
      } catch {
        takeOver(request.id);
      }
    });
  };
  return {
    compileSchema: (...args) => call("compileSchema", args),
    prettierOptions: (...args) => call("prettierOptions", args),
    format: (...args) => call("format", args),
    close: async () => {
      worker.off("exit", fail);
      fail();
      await worker.terminate();
    },
  };
}

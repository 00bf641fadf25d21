// One deployed process of the key-version deploy test. argv: the generated caches.ts of its deploy,
// then the Redis host, port and the test's namespace. Each stdin line is a command as JSON
// ({ op: "get" | "set" | "getOrSet", key, value? }); each answer is one line of JSON.
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type { AnyCache } from "../../../runtime/index.js";

/** A command from the test. */
export interface Command {
  op: "get" | "set" | "getOrSet";
  key: string;
  value?: unknown;
}

/** The answer to a command: its result, or the code of the error it threw. */
export type Answer = { value: unknown } | { error: string };

const [module, host, port, namespace] = process.argv.slice(2) as [string, string, string, string];
const { caches } = (await import(pathToFileURL(module).href)) as {
  caches: { create(alias: string, overrides: object): AnyCache };
};
const users = caches.create("users", { endpoint: host, port: Number(port), namespace });

async function answer({ op, key, value }: Command): Promise<Answer> {
  try {
    if (op === "get") return { value: (await users.get(key)) ?? null };
    if (op === "set") return { value: await users.set(key, value) };
    return { value: await users.getOrSet(key, () => value) };
  } catch (error) {
    return { error: (error as { code?: string }).code ?? String(error) };
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(await answer(JSON.parse(line) as Command))}\n`);
}
await users.close();

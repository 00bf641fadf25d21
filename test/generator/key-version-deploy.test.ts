/**
 * The deploy story of `key_version: "schema"`, end to end: two configs (before and after a value
 * type change) are generated, each deploy runs in its own process against one real Redis, and the
 * new deploy never reads what the old one wrote, while the old one, still running during a rolling
 * deploy, keeps its own entries. Without a key version, the new deploy misreads the old values.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, expect, inject, it } from "vitest";
import { formatProblem } from "../../generator/problems.js";
import { generateSource } from "../../generator/source.js";
import { describeWithServers } from "../helpers/provided.js";
import type { Answer, Command } from "./workers/deploy-worker.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORKER = fileURLToPath(new URL("./workers/deploy-worker.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "cachegen-deploy-"));
const workers: Deployed[] = [];
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const V1 = {
  type: "object",
  required: ["id", "name"],
  properties: { id: { type: "string" }, name: { type: "string" } },
};
/** The second deploy splits `name` into `first` and `last`. */
const V2 = {
  type: "object",
  required: ["id", "first", "last"],
  properties: { id: { type: "string" }, first: { type: "string" }, last: { type: "string" } },
};

/** Generates caches.ts for a `users` alias storing `schema`, into its own folder; returns its path. */
async function generated(name: string, schema: object, more: object): Promise<string> {
  const folder = join(dir, name);
  const path = join(folder, "cachegen.config.json");
  const config = { users: { cache: "redis", namespace: "users", ...more, serializer: { class: "json", schema } } };
  const result = await generateSource({ source: { path, text: JSON.stringify(config) } });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  mkdirSync(folder);
  const out = join(folder, "caches.ts");
  writeFileSync(out, result.text);
  return out;
}

/** One deployed process: commands in, answers out. */
interface Deployed {
  send(command: Command): Promise<Answer>;
  stop(): Promise<void>;
}

/** Starts one deployed process running `module` against the test Redis, in `namespace`. */
function deploy(module: string, namespace: string): Deployed {
  const { host, port } = inject("redis");
  // tsx maps "cachegen" (imported by the generated file) to the runtime sources via the repo's tsconfig paths.
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, module, host, String(port), namespace], {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const worker: Deployed = {
    async send(command: Command): Promise<Answer> {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      const next = await lines.next();
      if (next.done === true) throw new Error(`deploy worker exited with ${child.exitCode}`);
      return JSON.parse(next.value) as Answer;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once("exit", () => resolve());
        child.stdin.end();
      }),
  };
  workers.push(worker);
  return worker;
}

describeWithServers("a value type change deployed between two processes on one Redis", () => {
  it('with key_version "schema": the new deploy ignores old values, and both deploys keep their own', async () => {
    const namespace = `deploy-${randomUUID().slice(0, 8)}`;
    const before = deploy(await generated("schema-v1", V1, { key_version: "schema" }), namespace);
    const after = deploy(await generated("schema-v2", V2, { key_version: "schema" }), namespace);
    const ada = { id: "1", name: "Ada Lovelace" };
    const split = { id: "1", first: "Ada", last: "Lovelace" };

    expect(await before.send({ op: "set", key: "u1", value: ada })).toEqual({ value: true });
    expect(await after.send({ op: "get", key: "u1" })).toEqual({ value: null });
    expect(await after.send({ op: "getOrSet", key: "u1", value: split })).toEqual({ value: split });
    // The old process, still serving during the rolling deploy, reads its own entry, not the new one.
    expect(await before.send({ op: "get", key: "u1" })).toEqual({ value: ada });
    expect(await after.send({ op: "get", key: "u1" })).toEqual({ value: split });
  }, 60_000);

  it("without a key version: the new deploy reads the old deploy's value as if it had the new type", async () => {
    const namespace = `deploy-${randomUUID().slice(0, 8)}`;
    const before = deploy(await generated("plain-v1", V1, {}), namespace);
    const after = deploy(await generated("plain-v2", V2, {}), namespace);
    const ada = { id: "1", name: "Ada Lovelace" };
    await before.send({ op: "set", key: "u1", value: ada });
    expect(await after.send({ op: "get", key: "u1" })).toEqual({ value: ada });
  }, 60_000);
});

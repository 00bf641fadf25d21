import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { describeWithServers } from "../../helpers/provided.js";
import type { Command } from "./workers/tier-worker.js";

const WORKER = fileURLToPath(new URL("./workers/tier-worker.ts", import.meta.url));

/** A worker process answering one JSON line per command, in order. */
function startWorker() {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const answers: ((line: string) => void)[] = [];
  lines.on("line", (line) => answers.shift()?.(line));
  const send = <T = Record<string, unknown>>(command: Command) =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`tier worker exited with ${code}`));
      child.once("exit", exited);
      answers.push((line) => {
        child.off("exit", exited);
        const answer = JSON.parse(line) as T & { error?: string };
        if (answer.error !== undefined) reject(new Error(answer.error));
        else resolve(answer);
      });
      child.stdin.write(`${JSON.stringify(command)}\n`);
    });
  return { send, stop: () => child.stdin.end() };
}

describeWithServers("two processes with a local tier and a bus", () => {
  let a: ReturnType<typeof startWorker>;
  let b: ReturnType<typeof startWorker>;
  beforeAll(async () => {
    [a, b] = [startWorker(), startWorker()];
    const group = `x-${randomUUID().slice(0, 8)}`;
    const options = {
      ...inject("redis"),
      alias: "users",
      namespace: group,
      tags: true,
      local: { maxSize: 1000, ttl: 600 },
      bus: { group },
    };
    await Promise.all([a.send({ op: "open", options }), b.send({ op: "open", options })]);
  });
  afterAll(async () => {
    await Promise.all([a.send({ op: "close" }), b.send({ op: "close" })]);
    a.stop();
    b.stop();
  });

  it("each process sees the other's writes: the old local copy is dropped, never served again", async () => {
    await a.send({ op: "set", key: "k", value: "v1" });
    await b.send({ op: "waitFor", key: "k", value: "v1" });
    expect(await b.send({ op: "get", key: "k" })).toEqual({ value: "v1", local: true });
    for (let i = 2; i <= 20; i++) {
      const waiting = b.send({ op: "waitFor", key: "k", value: `v${i}` });
      await a.send({ op: "set", key: "k", value: `v${i}` });
      await waiting;
      expect(await b.send({ op: "get", key: "k" })).toEqual({ value: `v${i}`, local: true });
    }
  });

  it("a tag invalidation in one process drops the other's tagged local entries", async () => {
    await b.send({ op: "set", key: "t1", value: "one", tags: ["org:7"] });
    await b.send({ op: "set", key: "t2", value: "two", tags: ["org:8"] });
    await a.send({ op: "waitFor", key: "t1", value: "one" });
    await a.send({ op: "waitFor", key: "t2", value: "two" });
    expect(await a.send({ op: "get", key: "t1" })).toEqual({ value: "one", local: true });
    const gone = a.send({ op: "waitFor", key: "t1", value: null });
    await b.send({ op: "deleteByTag", tags: ["org:7"] });
    await gone;
    expect(await a.send({ op: "get", key: "t1" })).toEqual({ value: null, local: true });
    expect(await a.send({ op: "get", key: "t2" })).toEqual({ value: "two", local: true });
  });
});

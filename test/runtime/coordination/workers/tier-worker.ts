// One process of the two-process local tier + bus test. It reads one JSON command per line and
// answers each with one JSON line. `waitFor` answers once `get(key)` returns the expected value,
// checking again after each message its bus applies (never on a timer).
import { subscribe } from "node:diagnostics_channel";
import { createInterface } from "node:readline";
import { CHANNELS, RedisCache, type BusEvent, type RedisCacheOptions } from "../../../../runtime/index.js";

/** A command from the test. */
export type Command =
  | { op: "open"; options: RedisCacheOptions<string> }
  | { op: "get"; key: string }
  | { op: "set"; key: string; value: string; tags?: string[] }
  | { op: "deleteByTag"; tags: string[] }
  | { op: "waitFor"; key: string; value: string | null }
  | { op: "close" };

let cache: RedisCache<string> | undefined;
const waiters = new Set<() => void>();
let up: (() => void) | undefined;
subscribe(CHANNELS.bus, (message) => {
  const event = message as BusEvent;
  if (event.alias !== cache?.alias) return;
  if (event.event === "up") up?.();
  for (const wake of [...waiters]) wake();
});

/** Resolves after the next bus event of this process's cache. */
const nextEvent = () =>
  new Promise<void>((resolve) => {
    const wake = () => {
      waiters.delete(wake);
      resolve();
    };
    waiters.add(wake);
  });

async function handle(command: Command): Promise<unknown> {
  switch (command.op) {
    case "open": {
      const ready = new Promise<void>((resolve) => (up = resolve));
      cache = new RedisCache<string>(command.options);
      await cache.tiers.ready();
      await ready;
      return { pid: process.pid };
    }
    case "get": {
      const value = await cache!.get(command.key);
      return { value: value ?? null, local: cache!.tiers.localCopy(cache!.buildKey(command.key)) !== undefined };
    }
    case "set":
      await cache!.set(command.key, command.value, { tags: command.tags });
      return { ok: true };
    case "deleteByTag":
      await cache!.deleteByTag(command.tags);
      return { ok: true };
    case "waitFor": {
      for (;;) {
        const event = nextEvent();
        if (((await cache!.get(command.key)) ?? null) === command.value)
          return { seenAt: performance.timeOrigin + performance.now() };
        await event;
      }
    }
    case "close":
      await cache?.close();
      return { ok: true };
  }
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  handle(JSON.parse(line) as Command).then(
    (answer) => console.log(JSON.stringify(answer)),
    (error: unknown) => console.log(JSON.stringify({ error: String(error) })),
  );
});

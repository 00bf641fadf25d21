import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import {
  Cache,
  CacheRegistry,
  CHANNELS,
  JsonSerializer,
  MemoryCache,
  type LoaderEvent,
  type OperationEvent,
} from "../../runtime/index.js";
import { ControlledStore } from "../helpers/controlled-store.js";

/** Collects what a channel publishes until the test ends. */
function listen<E>(name: string): E[] {
  const seen: E[] = [];
  const onMessage = (message: unknown) => seen.push(message as E);
  subscribe(name, onMessage);
  cleanups.push(() => unsubscribe(name, onMessage));
  return seen;
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe("events on node:diagnostics_channel", () => {
  it("publishes every operation on cachegen:operation with alias, operation, key count, outcome and duration", async () => {
    const registry = new CacheRegistry({ users: { cache: "memory", serializer: { class: "json" } } });
    const cache = registry.create("users");
    const events = listen<OperationEvent>(CHANNELS.operation);
    const before = performance.timeOrigin + performance.now();
    await cache.set("a", 1);
    await cache.get("a");
    await cache.get("missing");
    await cache.multiGet(["a", "missing"]);
    await cache.multiGet(["a"]);
    await cache.clear();
    expect(events.map((e) => [e.operation, e.outcome, e.keyCount, e.hits])).toEqual([
      ["set", "ok", 1, undefined],
      ["get", "hit", 1, 1],
      ["get", "miss", 1, 0],
      ["multiGet", "miss", 2, 1],
      ["multiGet", "hit", 1, 1],
      ["clear", "ok", 0, undefined],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ alias: "users", backend: "memory", errorCode: undefined, error: undefined });
      expect(event.duration).toBeGreaterThanOrEqual(0);
      expect(event.startTime).toBeGreaterThanOrEqual(before - 1);
    }
  });

  it("reports a failure with outcome error and the error's code, and the caller still gets the error", async () => {
    const cache = new MemoryCache({ serializer: new JsonSerializer() });
    const events = listen<OperationEvent>(CHANNELS.operation);
    await cache.set("text", "x");
    const error = await cache.increment("text").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "E_NOT_INTEGER" });
    expect(events.at(-1)).toMatchObject({
      alias: undefined,
      operation: "increment",
      outcome: "error",
      errorCode: "E_NOT_INTEGER",
      error,
    });
  });

  it("publishes each getOrSet loader run on cachegen:loader", async () => {
    const cache = new MemoryCache({ alias: "loads" });
    const loads = listen<LoaderEvent>(CHANNELS.loader);
    expect(await cache.getOrSet("k", () => 42)).toBe(42);
    expect(await cache.getOrSet("k", () => 43)).toBe(42);
    await expect(
      cache.getOrSet("bad", () => {
        throw new RangeError("source down");
      }),
    ).rejects.toThrow("source down");
    expect(loads.map((e) => [e.alias, e.key, e.outcome, e.errorCode])).toEqual([
      ["loads", "k", "ok", undefined],
      ["loads", "bad", "error", "RangeError"],
    ]);
  });

  it("builds no event while nobody listens: a subscriber that leaves stops them", async () => {
    const cache = new MemoryCache();
    const events = listen<OperationEvent>(CHANNELS.operation);
    await cache.set("k", 1);
    for (const cleanup of cleanups.splice(0)) cleanup();
    await cache.get("k");
    expect(events.map((e) => e.operation)).toEqual(["set"]);
  });

  it("gives a cache's own telemetry listener the same events, without any channel subscriber", async () => {
    const seen: OperationEvent[] = [];
    const cache = new MemoryCache({ alias: "own", telemetry: (event) => seen.push(event) });
    await cache.set("k", 1);
    await cache.get("k");
    expect(seen.map((e) => [e.alias, e.operation, e.outcome])).toEqual([
      ["own", "set", "ok"],
      ["own", "get", "hit"],
    ]);
  });

  it("reports a timeout once, and a late answer never", async () => {
    const seen: OperationEvent[] = [];
    const store = new ControlledStore();
    const cache = new Cache(store, new JsonSerializer(), { timeout: "20ms", telemetry: (event) => seen.push(event) });
    store.hold = true;
    await expect(cache.get("k")).rejects.toMatchObject({ code: "E_TIMEOUT" });
    store.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.map((e) => [e.operation, e.outcome, e.errorCode])).toEqual([["get", "error", "E_TIMEOUT"]]);
  });
});

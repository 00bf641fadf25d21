import { describe, expect, it } from "vitest";
import {
  BackendError,
  CacheTimeoutError,
  KeyExistsError,
  NotAnIntegerError,
  SerializationError,
} from "../../../runtime/index.js";
import { CircuitBreaker, isAvailabilityError, type BreakerState } from "../../../runtime/coordination/breaker.js";

const down = () => new BackendError("redis", "connection refused");
const timeout = () => new CacheTimeoutError("get", "k", 0.1);

/** A breaker on a clock the test moves, with probes the test settles one by one. */
function harness(breakMs = 1000) {
  let now = 10_000;
  const probes: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const changes: [BreakerState, BreakerState][] = [];
  const breaker = new CircuitBreaker({
    breakMs,
    now: () => now,
    probe: () => new Promise<void>((resolve, reject) => probes.push({ resolve, reject })),
    onStateChange: (state, previous) => changes.push([previous, state]),
  });
  /** Lets the probe start (it is called a microtask after `allows()`) or settle. */
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    breaker,
    probes,
    changes,
    settle,
    advance: (ms: number) => (now += ms),
  };
}

describe("circuit breaker", () => {
  it("counts only availability errors", () => {
    expect(isAvailabilityError(down())).toBe(true);
    expect(isAvailabilityError(timeout())).toBe(true);
    for (const error of [
      new SerializationError("k", "json", "decode"),
      new NotAnIntegerError("k"),
      new KeyExistsError("k"),
      new TypeError("bug"),
      "a string",
    ]) {
      expect(isAvailabilityError(error)).toBe(false);
    }
  });

  it("stays closed through errors that say nothing about the store", () => {
    const { breaker, changes } = harness();
    breaker.failure(new SerializationError("k", "json", "decode"));
    breaker.failure(new NotAnIntegerError("k"));
    breaker.failure(new Error("loader failed"));
    expect(breaker.state).toBe("closed");
    expect(breaker.allows()).toBe(true);
    expect(changes).toEqual([]);
  });

  it("opens on the first availability failure and skips the store for breakMs, without extending it", () => {
    const { breaker, advance, probes, changes } = harness(1000);
    breaker.failure(timeout());
    expect(breaker.state).toBe("open");
    expect(breaker.allows()).toBe(false);
    advance(600);
    breaker.failure(down()); // a call that started before the breaker opened
    advance(399);
    expect(breaker.allows()).toBe(false);
    expect(breaker.state).toBe("open");
    expect(probes).toHaveLength(0);
    expect(changes).toEqual([["closed", "open"]]);
  });

  it("turns half-open after the break and runs ONE background probe while calls keep skipping", async () => {
    const { breaker, advance, probes, settle, changes } = harness(1000);
    breaker.failure(down());
    advance(1000);
    expect(breaker.allows()).toBe(false);
    expect(breaker.state).toBe("half-open");
    for (let i = 0; i < 50; i++) expect(breaker.allows()).toBe(false);
    await settle();
    expect(probes).toHaveLength(1);
    breaker.failure(down()); // late failures do not disturb the probe
    expect(breaker.state).toBe("half-open");

    probes[0]!.resolve();
    await settle();
    expect(breaker.state).toBe("closed");
    expect(breaker.allows()).toBe(true);
    expect(changes).toEqual([
      ["closed", "open"],
      ["open", "half-open"],
      ["half-open", "closed"],
    ]);
  });

  it("reopens for another full break when the probe fails, then probes again", async () => {
    const { breaker, advance, probes, settle } = harness(1000);
    breaker.failure(down());
    advance(5000); // long after the break: the new one still starts when the probe fails
    breaker.allows();
    await settle();
    advance(50);
    probes[0]!.reject(down());
    await settle();
    expect(breaker.state).toBe("open");
    advance(999);
    expect(breaker.allows()).toBe(false);
    await settle();
    expect(probes).toHaveLength(1);
    advance(1);
    breaker.allows();
    await settle();
    expect(probes).toHaveLength(2);
    probes[1]!.resolve();
    await settle();
    expect(breaker.allows()).toBe(true);
  });

  it("closes when the probe's failure is not an availability error (the store answered)", async () => {
    const { breaker, advance, probes, settle } = harness(10);
    breaker.failure(down());
    advance(10);
    breaker.allows();
    await settle();
    probes[0]!.reject(new SerializationError("k", "json", "decode"));
    await settle();
    expect(breaker.state).toBe("closed");
  });

  it("treats a probe that throws at once like one that rejects", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({
      breakMs: 5,
      now: () => now,
      probe: () => {
        throw timeout();
      },
    });
    breaker.failure(down());
    now = 5;
    expect(breaker.allows()).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(breaker.state).toBe("open");
  });

  it("refuses a break that is not positive", () => {
    expect(() => new CircuitBreaker({ breakMs: 0, probe: () => Promise.resolve() })).toThrow(/breakMs must be above 0/);
  });
});

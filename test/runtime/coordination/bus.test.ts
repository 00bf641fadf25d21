import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Bus, type BusState, type RecoverReason } from "../../../runtime/coordination/bus/bus.js";
import { encodeMessage, type Invalidation } from "../../../runtime/coordination/bus/protocol.js";
import { MemoryHub } from "../../helpers/memory-bus.js";

const HEARTBEAT = 100;

/** A bus on the hub that records what it hands out. */
function node(hub: MemoryHub, group = "g") {
  const transport = hub.transport();
  const messages: [Invalidation, string][] = [];
  const recoveries: RecoverReason[] = [];
  const states: BusState[] = [];
  const reasons: string[] = [];
  const bus = new Bus({
    transport,
    group,
    heartbeatMs: HEARTBEAT,
    maxQueued: 10,
    now: () => Date.now(),
    onMessage: (message, src) => messages.push([withoutEnvelope(message), src]),
    onRecover: (reason) => recoveries.push(reason),
    onState: (state, reason) => {
      states.push(state);
      reasons.push(reason);
    },
  });
  return { bus, transport, messages, recoveries, states, reasons };
}

/** The invalidation a message carries, without the bus's own fields. */
function withoutEnvelope(message: Invalidation): Invalidation {
  const { v: _v, src: _src, seq: _seq, ...invalidation } = message as Invalidation & Record<string, unknown>;
  return invalidation;
}

/** Runs the microtasks that deliver messages, and `ms` of heartbeats. */
const elapse = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const set = (...keys: string[]): Invalidation => ({ op: "set", ns: "n", keys });

describe("bus (on an in-process transport)", () => {
  let hub: MemoryHub;
  beforeEach(() => {
    vi.useFakeTimers();
    hub = new MemoryHub();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const started = async (group = "g") => {
    const n = node(hub, group);
    await n.bus.start();
    await elapse();
    return n;
  };

  it("is up once its own ping comes back, and delivers peers' messages but not its own", async () => {
    const a = await started();
    const b = await started();
    const other = await started("other");
    expect([a.bus.state, b.bus.state]).toEqual(["up", "up"]);
    expect(a.states).toEqual(["up"]);
    expect(a.bus.lastPingMs).toBe(0);

    expect(await a.bus.publish(set("n:1"))).toBe(true);
    await b.bus.publish({ op: "tags", ns: "n", tags: ["t"], ts: 5 });
    await elapse();
    expect(b.messages).toEqual([[set("n:1"), a.bus.src]]);
    expect(a.messages).toEqual([[{ op: "tags", ns: "n", tags: ["t"], ts: 5 }, b.bus.src]]);
    expect(other.messages).toEqual([]);
    expect(a.recoveries).toEqual([]);
    expect(a.bus.stats).toMatchObject({ published: 1, received: 1, gaps: 0, duplicates: 0 });
  });

  it("counts garbage and newer-protocol messages and hands out foreign messages without seq", async () => {
    const a = await started();
    hub.publish(a.bus.channel, "not json");
    hub.publish(a.bus.channel, '{"v":2,"src":"future","op":"set"}');
    hub.publish(a.bus.channel, '{"v":1,"src":"python","op":"delete","ns":"n","keys":["n:9"]}');
    await elapse();
    expect(a.bus.stats).toMatchObject({ invalid: 1, ignored: 1, received: 1 });
    expect(a.messages).toEqual([[{ op: "delete", ns: "n", keys: ["n:9"] }, "python"]]);
  });

  it("processes a replayed message once, and recovers when a source skips a seq", async () => {
    const a = await started();
    const message = (seq: number) =>
      encodeMessage({ v: 1, src: "peer", seq, op: "delete", ns: "n", keys: [`n:${seq}`] });
    hub.publish(a.bus.channel, message(1));
    hub.publish(a.bus.channel, message(1));
    hub.publish(a.bus.channel, message(2));
    await elapse();
    expect(a.messages.map(([m]) => m)).toEqual([set("n:1"), set("n:2")].map((m) => ({ ...m, op: "delete" })));
    expect(a.bus.stats.duplicates).toBe(1);
    expect(a.recoveries).toEqual([]);

    hub.publish(a.bus.channel, message(4));
    await elapse();
    expect(a.recoveries).toEqual(["gap"]);
    expect(a.messages).toHaveLength(3); // the message after the gap still counts
  });

  it("goes down when the subscription drops, misses what is sent meanwhile, and recovers once back up", async () => {
    const a = await started();
    const b = await started();
    a.transport.drop();
    expect(a.bus.state).toBe("down");
    expect(a.reasons).toEqual(["own heartbeat received", "dropped"]);
    await b.bus.publish(set("n:missed"));
    await elapse();
    expect(a.messages).toEqual([]);

    a.transport.reconnect();
    await elapse();
    expect(a.states).toEqual(["up", "down", "up"]);
    expect(a.recoveries).toEqual(["reconnect"]); // and no "gap" for b's seq jump: tracking restarted
    await b.bus.publish(set("n:after"));
    await elapse();
    expect(a.messages.map(([m]) => m)).toEqual([set("n:after")]);
  });

  it("goes down when its pings stop coming back, and recovers when they do", async () => {
    const a = await started();
    a.transport.stall();
    await elapse(3 * HEARTBEAT);
    expect(a.bus.state).toBe("up");
    await elapse(HEARTBEAT);
    expect(a.bus.state).toBe("down");
    expect(a.reasons.at(-1)).toMatch(/^no own heartbeat for \d+ ms$/);
    expect(a.recoveries).toEqual([]);
    a.transport.resume();
    await elapse();
    expect(a.bus.state).toBe("up");
    expect(a.recoveries).toEqual(["reconnect"]);
  });

  it("queues failed publishes (one per key, last wins) and sends them once the bus is up again", async () => {
    const a = await started();
    const b = await started();
    await a.bus.publish(set("n:0"));
    a.transport.failPublish = true;
    expect(await a.bus.publish(set("n:1", "n:2"))).toBe(false);
    expect(await a.bus.publish({ op: "delete", ns: "n", keys: ["n:1"] })).toBe(false);
    expect(a.bus.queue.size).toBe(2);
    await elapse(HEARTBEAT); // still failing: the queue keeps them
    expect(a.bus.queue.size).toBe(2);

    a.transport.failPublish = false;
    await elapse(HEARTBEAT);
    expect(a.bus.queue.size).toBe(0);
    expect(b.messages.map(([m]) => m)).toEqual([set("n:0"), set("n:2"), { op: "delete", ns: "n", keys: ["n:1"] }]);
    // The two lost messages took seqs: b saw a gap and cleared, which covers any invalidation it may miss.
    expect(b.recoveries).toEqual(["gap"]);
    expect(a.bus.stats.publishFailures).toBeGreaterThanOrEqual(2);
  });

  it("drops the oldest queued invalidations beyond its bound", async () => {
    const a = await started();
    a.transport.failPublish = true;
    await a.bus.publish(set(...Array.from({ length: 15 }, (_, i) => `n:${i}`)));
    expect(a.bus.queue).toMatchObject({ size: 10, dropped: 5 });
  });

  it("stops pinging and handing out messages once closed", async () => {
    const a = await started();
    const b = await started();
    await a.bus.close();
    expect(a.bus.state).toBe("down");
    await b.bus.publish(set("n:1"));
    await elapse(10 * HEARTBEAT);
    expect(a.messages).toEqual([]);
    expect(vi.getTimerCount()).toBe(1); // b's heartbeat only
  });
});

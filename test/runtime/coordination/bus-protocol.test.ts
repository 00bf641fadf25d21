import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../runtime/index.js";
import {
  busChannel,
  decodeMessage,
  encodeMessage,
  newSourceId,
  SeqTracker,
  type BusMessage,
} from "../../../runtime/coordination/bus/protocol.js";
import { RetryQueue } from "../../../runtime/coordination/bus/retry-queue.js";
import { keySlot } from "../../../runtime/backends/redis-slot.js";

const from = (src: string, seq: number | undefined, op: "set" | "ping" = "set"): BusMessage =>
  op === "ping" ? { v: 1, src, seq, op } : { v: 1, src, seq, op, ns: "users", keys: ["users:1"] };

describe("bus protocol v1", () => {
  it("names one channel per group, hash-tagged so it has one cluster slot", () => {
    expect(busChannel("users")).toBe("cachegen:bus:v1:{users}");
    expect(keySlot(busChannel("users"))).toBe(keySlot("users"));
    expect(() => busChannel("")).toThrow(ConfigError);
    expect(() => busChannel("a}b")).toThrow(/without braces/);
  });

  it("writes the documented JSON, which reads back the same", () => {
    const messages: BusMessage[] = [
      { v: 1, src: "h1:4812:9f3a2c", seq: 1207, op: "set", ns: "users", keys: ["users:42"] },
      { v: 1, src: "h1:4812:9f3a2c", seq: 1208, op: "delete", ns: "users", keys: ["users:42", "users:43"] },
      { v: 1, src: "h1:4812:9f3a2c", seq: 1209, op: "clear", ns: "users" },
      { v: 1, src: "h1:4812:9f3a2c", seq: 1210, op: "tags", ns: "users", tags: ["org:7"], ts: 1760000000123 },
      { v: 1, src: "h1:4812:9f3a2c", seq: 1210, op: "ping", ts: 1760000000200 },
    ];
    expect(encodeMessage(messages[0]!)).toBe(
      '{"v":1,"src":"h1:4812:9f3a2c","seq":1207,"op":"set","ns":"users","keys":["users:42"]}',
    );
    for (const message of messages) {
      expect(decodeMessage(encodeMessage(message))).toEqual({ kind: "message", message });
      expect(decodeMessage(Buffer.from(encodeMessage(message)))).toEqual({ kind: "message", message });
    }
    // A foreign publisher may leave out seq, and ping needs neither ns nor ts.
    expect(decodeMessage('{"v":1,"src":"py","op":"delete","ns":"","keys":["k"]}').kind).toBe("message");
    expect(decodeMessage('{"v":1,"src":"py","op":"ping"}').kind).toBe("message");
  });

  it("ignores what a newer protocol may add, and calls anything malformed invalid", () => {
    const cases: [string | Uint8Array, "ignored" | "invalid", RegExp][] = [
      ['{"v":2,"src":"a","op":"set"}', "ignored", /version 2/],
      ['{"v":1,"src":"a","op":"expire","ns":"","keys":[]}', "ignored", /op expire/],
      ["not json", "invalid", /not UTF-8 JSON/],
      [new Uint8Array([0xff, 0xfe]), "invalid", /not UTF-8 JSON/],
      ["[1,2]", "invalid", /not a JSON object/],
      ["null", "invalid", /not a JSON object/],
      ['{"src":"a","op":"set"}', "invalid", /no version/],
      ['{"v":1,"op":"set"}', "invalid", /no src/],
      ['{"v":1,"src":"a","seq":-1,"op":"clear","ns":""}', "invalid", /seq/],
      ['{"v":1,"src":"a","seq":1.5,"op":"clear","ns":""}', "invalid", /seq/],
      ['{"v":1,"src":"a"}', "invalid", /no op/],
      ['{"v":1,"src":"a","op":"clear"}', "invalid", /clear without ns/],
      ['{"v":1,"src":"a","op":"set","ns":"n","keys":[1]}', "invalid", /set without keys/],
      ['{"v":1,"src":"a","op":"delete","ns":"n"}', "invalid", /delete without keys/],
      ['{"v":1,"src":"a","op":"tags","ns":"n","tags":["t"]}', "invalid", /tags without tags or ts/],
      ['{"v":1,"src":"a","op":"ping","ts":"x"}', "invalid", /ping ts/],
    ];
    for (const [payload, kind, reason] of cases) {
      const received = decodeMessage(payload);
      expect(received.kind, String(payload)).toBe(kind);
      expect(received.kind === "message" ? "" : received.reason).toMatch(reason);
    }
  });

  it("gives every bus instance its own source id", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newSourceId()));
    expect(ids.size).toBe(100);
    expect([...ids][0]).toMatch(new RegExp(`:${process.pid}:[0-9a-f]{12}$`));
  });

  it("tells the next message from a gap and a replay, per source", () => {
    const seqs = new SeqTracker();
    expect(seqs.check(from("a", 5))).toBe("next"); // first heard: no history to compare
    expect(seqs.check(from("a", 6))).toBe("next");
    expect(seqs.check(from("a", 6))).toBe("duplicate");
    expect(seqs.check(from("a", 4))).toBe("duplicate");
    expect(seqs.check(from("b", 1))).toBe("next");
    expect(seqs.check(from("a", 8))).toBe("gap");
    expect(seqs.check(from("a", 9))).toBe("next");
    expect(seqs.check(from("a", undefined))).toBe("next");
    // A ping repeats its sender's last seq: equal is fine, higher means a message was lost.
    expect(seqs.check(from("a", 9, "ping"))).toBe("next");
    expect(seqs.check(from("a", 10, "ping"))).toBe("gap");
    expect(seqs.check(from("a", 11))).toBe("next");
    seqs.reset();
    expect(seqs.check(from("a", 20))).toBe("next");
  });

  it("forgets the least recently heard sources beyond its bound", () => {
    const seqs = new SeqTracker(2);
    seqs.check(from("a", 1));
    seqs.check(from("b", 1));
    seqs.check(from("a", 2));
    seqs.check(from("c", 1)); // evicts b
    expect(seqs.check(from("a", 4))).toBe("gap");
    expect(seqs.check(from("b", 5))).toBe("next");
  });
});

describe("bus retry queue", () => {
  it("keeps one item per key, tag or cleared namespace, the last write winning", () => {
    const queue = new RetryQueue(100);
    queue.add({ op: "set", ns: "n", keys: ["n:1", "n:2"] });
    queue.add({ op: "delete", ns: "n", keys: ["n:1"] });
    queue.add({ op: "set", ns: "m", keys: ["m:1"] });
    queue.add({ op: "clear", ns: "n" });
    queue.add({ op: "clear", ns: "n" });
    queue.add({ op: "tags", ns: "n", tags: ["t1", "t2"], ts: 200 });
    queue.add({ op: "tags", ns: "n", tags: ["t1"], ts: 100 });
    queue.add({ op: "tags", ns: "n", tags: ["t3"], ts: 100 });
    expect(queue.size).toBe(7);
    expect(queue.drain()).toEqual([
      { op: "set", ns: "n", keys: ["n:2"] },
      { op: "delete", ns: "n", keys: ["n:1"] },
      { op: "set", ns: "m", keys: ["m:1"] },
      { op: "clear", ns: "n" },
      { op: "tags", ns: "n", tags: ["t2", "t1"], ts: 200 },
      { op: "tags", ns: "n", tags: ["t3"], ts: 100 },
    ]);
    expect(queue.size).toBe(0);
  });

  it("lets a newer item stand when a retried one comes back, and drops the oldest beyond its size", () => {
    const queue = new RetryQueue(3);
    queue.add({ op: "delete", ns: "", keys: ["a"] });
    queue.add({ op: "set", ns: "", keys: ["a", "b"] }, true);
    expect(queue.drain()).toEqual([
      { op: "delete", ns: "", keys: ["a"] },
      { op: "set", ns: "", keys: ["b"] },
    ]);
    queue.add({ op: "set", ns: "", keys: ["1", "2", "3", "4", "5"] });
    expect(queue.dropped).toBe(2);
    expect(queue.drain()).toEqual([{ op: "set", ns: "", keys: ["3", "4", "5"] }]);
    expect(() => new RetryQueue(0)).toThrow(RangeError);
  });
});

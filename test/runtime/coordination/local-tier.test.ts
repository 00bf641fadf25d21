import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalTier } from "../../../runtime/coordination/local-tier.js";
import { EnvelopeEntry } from "../../../runtime/serializers/envelope.js";

// The local tier on its own, with Date faked: copies' deadlines, second-chance eviction, and the
// fill race (a store read that started before an invalidation must not bring the old value back).

const T0 = 1_760_000_000_000;
const entry = (value: string) => new EnvelopeEntry(value, Date.now(), Date.now() + 60_000);
const tier = (maxSize = 100, ttlMs = 10_000) => new LocalTier<string>({ maxSize, ttlMs });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

describe("local tier", () => {
  it("keeps a copy for the shorter of its lifetime and the tier's TTL", () => {
    const local = tier(100, 10_000);
    local.set("long", entry("a"), 60_000);
    local.set("short", entry("b"), 2_000);
    local.set("none", entry("c"), null);
    vi.setSystemTime(T0 + 1_999);
    expect([local.get("long")?.value, local.get("short")?.value, local.get("none")?.value]).toEqual(["a", "b", "c"]);
    vi.setSystemTime(T0 + 2_000);
    expect(local.get("short")).toBeUndefined();
    vi.setSystemTime(T0 + 9_999);
    expect(local.get("long")?.value).toBe("a");
    vi.setSystemTime(T0 + 10_000);
    expect([local.get("long"), local.get("none")]).toEqual([undefined, undefined]);
  });

  it("evicts a copy not read since it was last passed over; read ones get a second chance", () => {
    const local = tier(3);
    for (const key of ["a", "b", "c"]) local.set(key, entry(key));
    local.get("a");
    local.set("d", entry("d"));
    expect(["a", "b", "c", "d"].map((k) => local.get(k)?.value)).toEqual(["a", undefined, "c", "d"]);
    // Every copy was just read (c, d, a in that order): one pass clears the flags, then c, now first, goes.
    local.set("e", entry("e"));
    expect(["a", "c", "d", "e"].map((k) => local.get(k) !== undefined)).toEqual([true, false, true, true]);
  });

  it("a rewrite counts as recent: the key moves to the back", () => {
    const local = tier(2);
    local.set("a", entry("a1"));
    local.set("b", entry("b"));
    local.set("a", entry("a2"));
    local.set("c", entry("c"));
    expect([local.get("a")?.value, local.get("b"), local.get("c")?.value]).toEqual(["a2", undefined, "c"]);
  });

  it("a fill whose read began before an invalidation of its key, or a clear, is discarded", () => {
    const local = tier();
    const before = local.beginRead();
    local.drop(["k"]);
    local.fill("k", entry("old"), before, null);
    local.fill("other", entry("fine"), before, null);
    local.endRead();
    expect([local.get("k"), local.get("other")?.value]).toEqual([undefined, "fine"]);
    const again = local.beginRead();
    local.clear();
    local.fill("other", entry("old"), again, null);
    local.endRead();
    expect(local.get("other")).toBeUndefined();
    local.fill("k", entry("new"), local.beginRead(), null);
    local.endRead();
    expect(local.get("k")?.value).toBe("new");
  });

  it("marks copies stale: kept as a fallback, flagged so they are never served as fresh", () => {
    const local = tier();
    local.set("k", entry("v"));
    local.markStale(["k", "absent"]);
    expect(local.get("k")).toMatchObject({ value: "v", stale: true });
    expect(local.get("absent")).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { HashRing } from "../../../runtime/backends/memcached-ring.js";

const servers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `10.0.0.${i + 1}:11211`, value: i }));
const keys = Array.from({ length: 20_000 }, (_, i) => `user:${i}:profile`);

describe("HashRing (consistent hashing for memcached servers)", () => {
  it("is deterministic and gives each of 4 servers a fair share", () => {
    const ring = new HashRing(servers(4));
    const again = new HashRing(servers(4));
    expect(keys.map((k) => ring.get(k))).toEqual(keys.map((k) => again.get(k)));
    const counts = [0, 0, 0, 0];
    for (const key of keys) counts[ring.get(key)]!++;
    for (const count of counts) expect(count / keys.length).toBeGreaterThan(0.17);
    for (const count of counts) expect(count / keys.length).toBeLessThan(0.33);
  });

  it("moves only the removed server's keys when a server goes away", () => {
    const before = new HashRing(servers(4));
    const after = new HashRing(servers(4).filter((s) => s.value !== 2));
    let moved = 0;
    for (const key of keys) {
      const owner = before.get(key);
      if (owner !== 2) expect(after.get(key)).toBe(owner);
      else moved++;
    }
    expect(moved / keys.length).toBeLessThan(0.33);
  });

  it("routes every key to the only server when there is one", () => {
    const ring = new HashRing(servers(1));
    expect(new Set(keys.slice(0, 100).map((k) => ring.get(k)))).toEqual(new Set([0]));
  });
});

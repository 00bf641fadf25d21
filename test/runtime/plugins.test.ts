import { describe, expect, it } from "vitest";
import { BasePlugin, HitMissRatioPlugin, MemoryCache, TimingPlugin, type HookName } from "../../runtime/index.js";
import { OPERATIONS } from "../../runtime/operations.js";

describe("plugins", () => {
  it("HitMissRatioPlugin starts at zero and counts every key read", async () => {
    const ratio = new HitMissRatioPlugin();
    expect(ratio.stats).toEqual({ hits: 0, total: 0, hitRatio: 0 });
    const cache = new MemoryCache({ plugins: [ratio] });
    await cache.set("a", 0);
    await cache.get("a");
    await cache.get("a", { default: 1 });
    await cache.get("missing", { default: 1 });
    await cache.multiGet(["a", "missing"]);
    expect(ratio.stats).toEqual({ hits: 3, total: 5, hitRatio: 0.6 });
  });

  it("TimingPlugin has a post hook for every operation and keeps count, avg, min and max", async () => {
    const timing = new TimingPlugin();
    for (const op of OPERATIONS) {
      expect(typeof timing[`post${op[0]!.toUpperCase()}${op.slice(1)}` as HookName]).toBe("function");
    }
    const cache = new MemoryCache({ plugins: [timing] });
    await cache.set("n", 1);
    await cache.increment("n");
    await cache.clear();
    expect(Object.keys(timing.stats).sort()).toEqual(
      ["set", "increment", "clear"].flatMap((op) => ["Total", "Avg", "Min", "Max"].map((s) => `${op}${s}`)).sort(),
    );
  });

  it("a plain BasePlugin adds no hooks and costs nothing", async () => {
    const cache = new MemoryCache({ plugins: [new BasePlugin()] });
    await cache.set("k", 1);
    expect(await cache.get("k")).toBe(1);
    expect(cache.plugins).toHaveLength(1);
  });
});

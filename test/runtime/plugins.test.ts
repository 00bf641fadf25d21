import { describe, expect, it } from "vitest";
import { BasePlugin, HitMissRatioPlugin, MemoryCache, TimingPlugin } from "../../runtime/index.js";

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

  it("TimingPlugin reads every operation's event and keeps count, avg, min and max of those that succeed", async () => {
    const timing = new TimingPlugin();
    const cache = new MemoryCache({ plugins: [timing] });
    await cache.set("n", 1);
    await cache.increment("n");
    await cache.clear();
    await expect(cache.increment("n", 1.5)).rejects.toThrow(TypeError);
    await cache.set("s", "text");
    await expect(cache.increment("s")).rejects.toMatchObject({ code: "E_NOT_INTEGER" });
    expect(timing.stats.setTotal).toBe(2);
    expect(timing.stats.incrementTotal).toBe(1);
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

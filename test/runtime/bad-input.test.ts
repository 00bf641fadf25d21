import { describe, expect, it } from "vitest";
import { stallLimitMs } from "../../runtime/backends/remote.js";
import { MAX_TIMER_MS } from "../../runtime/duration.js";
import {
  BasePlugin,
  Cache,
  CacheRegistry,
  ConfigError,
  JsonSerializer,
  MemcachedCache,
  MemoryCache,
  RedisCache,
} from "../../runtime/index.js";
import { ControlledStore } from "../helpers/controlled-store.js";

/** What `make` throws, so class, code and message can all be checked. */
function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("bad input found by fuzzing and chaos runs", () => {
  it("a duration a timer cannot hold is a ConfigError, not a timeout after 1 ms", async () => {
    const registry = new CacheRegistry({ slow: { cache: "redis", timeout: 3_000_000 } });
    const error = thrown(() => registry.create("slow"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/timeout: 3000000 is longer than a timer can wait \(2147483\.647 s/),
    });
    expect(thrown(() => new MemcachedCache({ timeout: "25d" }))).toBeInstanceOf(ConfigError);
    expect(thrown(() => new RedisCache({ createConnectionTimeout: "30d" }))).toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/createConnectionTimeout: "30d" is longer than a timer can wait/),
    });
    const cache = new MemoryCache({ timeout: "24d" });
    expect(cache.timeout).toBe(24 * 86_400);
    const store = new ControlledStore();
    store.deferred = true;
    await expect(new Cache(store, new JsonSerializer()).get("k", { timeout: 3_000_000 })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(/timeout: 3000000 is longer than a timer can wait/),
    });
    // A TTL is a deadline, not a timer: a year is fine.
    await expect(cache.set("k", 1, { ttl: "365d" })).resolves.toBe(true);
  });

  it("the stall limit derived from a long timeout stays within what a timer holds", () => {
    expect(stallLimitMs(2_000_000_000)).toBe(MAX_TIMER_MS);
    expect(stallLimitMs(100)).toBe(1000);
    expect(stallLimitMs(null)).toBeUndefined();
  });

  it("a url with a malformed percent escape is a ConfigError naming the escape, not a URIError", () => {
    const error = thrown(() => new RedisCache({ url: "redis://us%zzer:p%ss@127.0.0.1:6379/0" }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "E_CONFIG" });
    expect((error as ConfigError).problems).toEqual([
      { path: "url", message: 'the user name has a malformed percent escape (us%zzer); encode "%" as %25' },
      { path: "url", message: 'the password has a malformed percent escape (p%ss); encode "%" as %25' },
    ]);
    const registry = new CacheRegistry({ r: { cache: "redis", url: "redis://:100%@localhost" } });
    expect(thrown(() => registry.create("r"))).toBeInstanceOf(ConfigError);
  });

  it("a plugin class named as a cache is refused by create(), naming what it is", () => {
    class Audit extends BasePlugin {}
    const registry = new CacheRegistry(
      { audit: { cache: "./plugins.ts#Audit" }, odd: { cache: "./odd.ts#Odd" } },
      { modules: { "./plugins.ts#Audit": Audit, "./odd.ts#Odd": Map } },
    );
    const error = thrown(() => registry.create("audit"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "E_CONFIG",
      problems: [
        {
          path: "audit.cache",
          message:
            "./plugins.ts#Audit is a plugin; cache names a class that extends Cache (MemoryCache, RedisCache, …)",
        },
      ],
    });
    expect(thrown(() => registry.get("odd"))).toMatchObject({
      problems: [{ message: expect.stringMatching(/^\.\/odd\.ts#Odd is not a cache class/) }],
    });
  });
});

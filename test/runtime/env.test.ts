import { afterEach, describe, expect, it, vi } from "vitest";
import { CacheRegistry, ConfigError, fromEnv } from "../../runtime/index.js";

afterEach(() => vi.unstubAllEnvs());

/** The ConfigError `build` throws, as class, code and message. */
function configError(build: () => unknown) {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { code: (error as ConfigError).code, message: (error as Error).message };
  }
  throw new Error("expected a ConfigError");
}

describe("${VAR} values out of a field's range name the variable", () => {
  it("a port beyond 65535, from the dynamic registry", () => {
    vi.stubEnv("REDIS_PORT", "70000");
    const registry = new CacheRegistry({ r: { cache: "redis", port: "${REDIS_PORT}" } });
    expect(configError(() => registry.create("r"))).toEqual({
      code: "E_CONFIG",
      message: expect.stringContaining(
        'r.port: environment variable REDIS_PORT="70000" is not an integer from 1 to 65535',
      ) as unknown,
    });
  });

  it("a cluster node's port of 0, as the generated file reads it", () => {
    vi.stubEnv("NODE_PORT", "0");
    expect(configError(() => fromEnv("${NODE_PORT}", "integer", "c.cluster.nodes[1].port"))).toEqual({
      code: "E_CONFIG",
      message: expect.stringContaining(
        'c.cluster.nodes[1].port: environment variable NODE_PORT="0" is not an integer from 1 to 65535',
      ) as unknown,
    });
  });

  it("a max_size of 0", () => {
    vi.stubEnv("CACHE_MAX", "0");
    expect(configError(() => fromEnv("${CACHE_MAX}", "integer", "local.max_size"))).toEqual({
      code: "E_CONFIG",
      message: expect.stringContaining(
        'local.max_size: environment variable CACHE_MAX="0" is not an integer from 1',
      ) as unknown,
    });
  });

  it("accepts the bounds themselves", () => {
    vi.stubEnv("REDIS_PORT", "65535");
    vi.stubEnv("REDIS_DB", "0");
    expect(fromEnv("${REDIS_PORT}", "integer", "r.port")).toBe(65535);
    expect(fromEnv("${REDIS_DB}", "integer", "r.db")).toBe(0);
  });
});

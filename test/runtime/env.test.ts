import { afterEach, describe, expect, it, vi } from "vitest";
import { CacheRegistry, ConfigError, fromEnv } from "../../runtime/index.js";

afterEach(() => vi.unstubAllEnvs());

describe("${VAR} values out of a field's range name the variable", () => {
  const registry = new CacheRegistry({ r: { cache: "redis", port: "${REDIS_PORT}" } });

  it.each([
    [
      "a port beyond 65535, from the dynamic registry",
      "REDIS_PORT",
      "70000",
      () => registry.create("r"),
      "r.port",
      "1 to 65535",
    ],
    [
      "a cluster node's port of 0, as the generated file reads it",
      "NODE_PORT",
      "0",
      () => fromEnv("${NODE_PORT}", "integer", "c.cluster.nodes[1].port"),
      "c.cluster.nodes[1].port",
      "1 to 65535",
    ],
    [
      "a max_size of 0",
      "CACHE_MAX",
      "0",
      () => fromEnv("${CACHE_MAX}", "integer", "local.max_size"),
      "local.max_size",
      "1",
    ],
  ])("%s", (_, variable, value, read, path, range) => {
    vi.stubEnv(variable, value);
    const error = (() => {
      try {
        read();
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining(
        `${path}: environment variable ${variable}="${value}" is not an integer from ${range}`,
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

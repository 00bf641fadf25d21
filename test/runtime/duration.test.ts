import { describe, expect, it } from "vitest";
import { toMillis, toSeconds } from "../../runtime/duration.js";
import { ConfigError } from "../../runtime/index.js";

describe("durations", () => {
  it.each([
    [1, 1000],
    [1.5, 1500],
    [0.0001, 1],
    ["250ms", 250],
    ["10s", 10_000],
    ["1.5s", 1500],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["1d", 86_400_000],
  ] as const)("%j is %i ms", (input, ms) => {
    expect(toMillis(input)).toBe(ms);
  });

  it.each([0, null, undefined, "0s", "0ms"] as const)("%j means none", (input) => {
    expect(toMillis(input)).toBeNull();
  });

  it("keeps seconds as configured", () => {
    expect(toSeconds(1)).toBe(1);
    expect(toSeconds("250ms")).toBe(0.25);
    expect(toSeconds(0)).toBeNull();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, "5", "5 m", "1w", "-5s", ""])(
    "rejects %j with ConfigError",
    (input) => {
      let error: unknown;
      try {
        toMillis(input as never, "redis_alt.ttl");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ code: "E_CONFIG", problems: [{ path: "redis_alt.ttl" }] });
      expect((error as Error).message).toMatch(/is not a duration; use seconds .* "250ms"/);
    },
  );
});

import { describe, expect, it } from "vitest";
import { stableKey } from "../../runtime/index.js";

describe("stableKey", () => {
  it("gives one key for objects whose keys are written in any order, at any depth", () => {
    expect(stableKey({ b: 2, a: { d: [1, 2], c: null } })).toBe('{"a":{"c":null,"d":[1,2]},"b":2}');
    expect(stableKey({ a: { c: null, d: [1, 2] }, b: 2 })).toBe(stableKey({ b: 2, a: { d: [1, 2], c: null } }));
  });

  it("keeps array order, and treats an absent and an undefined property alike (as JSON does)", () => {
    expect(stableKey([1, 2])).not.toBe(stableKey([2, 1]));
    expect(stableKey({ a: 1, b: undefined })).toBe(stableKey({ a: 1 }));
  });

  it("keeps apart values that JSON would merge", () => {
    const distinct = [
      undefined,
      null,
      "undefined",
      1,
      "1",
      1n,
      NaN,
      -0,
      0,
      Infinity,
      new Date(0),
      "1970-01-01T00:00:00.000Z",
      [undefined],
      [],
    ];
    const keys = distinct.map(stableKey);
    expect(new Set(keys).size).toBe(distinct.length);
    expect(stableKey(new Date(0))).toBe("Date(1970-01-01T00:00:00.000Z)");
    expect(stableKey(new Date(Number.NaN))).toBe("Date(Invalid)");
    expect(stableKey(-0)).toBe("Number(-0)");
  });

  it("serializes Map and Set by content, in any insertion order", () => {
    expect(
      stableKey(
        new Map([
          ["b", 2],
          ["a", 1],
        ]),
      ),
    ).toBe(
      stableKey(
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
      ),
    );
    expect(stableKey(new Set([2, 1]))).toBe("Set[1,2]");
    expect(stableKey(new Map([[1, "x"]]))).not.toBe(stableKey(new Map([["1", "x"]])));
  });

  it("serializes bytes by content and type, and objects with toJSON through it", () => {
    expect(stableKey(new Uint8Array([1, 2]))).toBe("Uint8Array(AQI=)");
    expect(stableKey(Buffer.from([1, 2]))).toBe("Buffer(AQI=)");
    expect(stableKey({ toJSON: () => ({ id: 7 }) })).toBe('{"id":7}');
  });

  it("lets a repeated (but not circular) object through, and refuses cycles, functions and symbols", () => {
    const shared = { n: 1 };
    expect(stableKey([shared, shared])).toBe('[{"n":1},{"n":1}]');
    const cycle: Record<string, unknown> = {};
    cycle["self"] = cycle;
    expect(() => stableKey(cycle)).toThrow(
      new TypeError("Cannot build a cache key from a circular argument; pass a key or keyBuilder instead."),
    );
    expect(() => stableKey({ f: () => 1 })).toThrow(
      new TypeError(
        "Cannot build a cache key from a function argument; pass a key or keyBuilder that picks the arguments that identify the call.",
      ),
    );
    expect(() => stableKey(Symbol("s"))).toThrow(/from a symbol argument/);
  });
});

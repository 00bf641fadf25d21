import { describe, expect, it } from "vitest";
import { ConfigError, validatorRequire } from "../../runtime/index.js";

type Helper<F> = { default: F };

describe("validatorRequire: the helpers generated validators load, without ajv", () => {
  it("compares deeply for enum, const and uniqueItems", () => {
    const { default: equal } = validatorRequire("ajv/dist/runtime/equal") as Helper<
      (a: unknown, b: unknown) => boolean
    >;
    expect(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(equal({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
  });

  it("counts code points for minLength and maxLength, a surrogate pair as one", () => {
    const { default: length } = validatorRequire("ajv/dist/runtime/ucs2length") as Helper<(text: string) => number>;
    expect([length(""), length("abc"), length("a😀b"), length("\ud83d"), length("\ud83dx")]).toEqual([0, 3, 3, 1, 2]);
  });

  it("refuses any other module with a ConfigError that names it", () => {
    expect(() => validatorRequire("ajv-formats")).toThrow(ConfigError);
    expect(() => validatorRequire("ajv-formats")).toThrow(/needs ajv-formats, which cachegen does not provide/);
  });
});

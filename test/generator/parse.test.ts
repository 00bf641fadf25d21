import { describe, expect, it } from "vitest";
import { parseConfig } from "../../generator/config/parse.js";

describe("parseConfig", () => {
  it("reports duplicate keys in JSON with the position of the repeat", () => {
    const text =
      '{\n  "a": { "cache": "memory" },\n  "b": { "cache": "memory", "ttl": 1, "ttl": 2 },\n  "a": { "cache": "redis" }\n}';
    const parsed = parseConfig({ path: "c.json", text });
    expect(parsed.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message.split(":")[0]}`)).toEqual([
      '3:39 b.ttl duplicate field "ttl"',
      '4:3 a duplicate alias "a"',
    ]);
  });

  it("reads clean JSON without the positioned parser, and still locates problems later", () => {
    const text =
      '{\n  "quoted \\"key\\"": { "cache": "memory", "list": [{ "x": 1 }, { "x": 2 }] },\n  "b": { "cache": "redis" }\n}';
    const parsed = parseConfig({ path: "c.json", name: "shown.json", text });
    expect(parsed.problems).toEqual([]);
    expect(parsed.data).toEqual({
      'quoted "key"': { cache: "memory", list: [{ x: 1 }, { x: 2 }] },
      b: { cache: "redis" },
    });
    expect(parsed.locate({ segments: ["b", "cache"], message: "m" })).toEqual({
      file: "shown.json",
      line: 3,
      column: 10,
      path: "b.cache",
      message: "m",
    });
  });

  it("reports a syntax error at its position, and reads package.json#cachegen", () => {
    expect(parseConfig({ path: "c.json", text: '{ "a": 1,\n  "b": ' }).problems[0]).toMatchObject({
      line: 2,
      column: 8,
    });
    // Valid YAML, not JSON: the JSON error is still reported.
    expect(parseConfig({ path: "c.json", text: '{ "a": }' }).problems[0]?.message).toMatch(/^not valid JSON: /);
    const pkg = parseConfig({
      path: "package.json",
      text: '{ "name": "x", "cachegen": { "a": { "cache": "memory" } } }',
      root: ["cachegen"],
    });
    expect(pkg.data).toEqual({ a: { cache: "memory" } });
    expect(pkg.locate({ segments: ["a", "cache"], message: "m" })).toMatchObject({
      line: 1,
      column: 37,
      path: "a.cache",
    });
  });
});

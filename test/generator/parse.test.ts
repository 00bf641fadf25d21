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

  it("reports one JSON syntax error where the text stops being JSON, whatever V8's message holds", () => {
    const at = (text: string) => {
      const { problems } = parseConfig({ path: "c.json", text });
      return problems.map((p) => `${p.line}:${p.column} ${p.message}`);
    };
    expect(at('{\n  "a": { "cache": "memory" }\n}{\n  "b": {}\n}')).toEqual([
      '3:2 not valid JSON: unexpected "{" after the end of the JSON value',
    ]);
    expect(at('{ "a": }')).toEqual(['1:8 not valid JSON: expected a value, found "}"']);
    expect(at('{ "a": 1, }')).toEqual(['1:11 not valid JSON: expected a double-quoted property name, found "}"']);
    expect(at('{ "a" 1 }')).toEqual(['1:7 not valid JSON: expected ":" after the property name, found "1"']);
    expect(at("[1 2]")).toEqual(['1:4 not valid JSON: expected "," or "]" after an array element, found "2"']);
    expect(at('{ "a": "x\\q" }')).toEqual(["1:11 not valid JSON: invalid escape \\q in a string"]);
    expect(at('{ "a": "x')).toEqual(["1:10 not valid JSON: unterminated string"]);
    expect(at("")).toEqual(["1:1 not valid JSON: expected a value, found the end of the file"]);
  });
});

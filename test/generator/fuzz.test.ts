/**
 * A seeded fuzz of the generator: hundreds of configs mutated from the golden fixtures (values of
 * the wrong kind, odd alias names, broken `$ref`s and schemas, syntax errors, YAML aliases). For
 * each: `generateSource` never throws; an invalid config gives located problems; it agrees with the
 * runtime's `setConfig` on the config's validity; and every file it accepts compiles (one `tsc`
 * run over all of them). A failure prints the seed and case to replay.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as yamlParse, stringify as yamlStringify } from "yaml";
import { generateSource } from "../../generator/source.js";
import { CacheRegistry } from "../../runtime/index.js";
import { COMPILERS, tsc } from "../helpers/typescript.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SEED = Number(process.env["CACHEGEN_FUZZ_SEED"] ?? 20261201);
const CASES = Number(process.env["CACHEGEN_FUZZ_CASES"] ?? 240);
/** Inside the repo, so the compiled outputs resolve @types and the runtime's dependencies. */
const WORK = join(ROOT, "node_modules", ".cache", "cachegen-fuzz");

/** mulberry32: a small, fast, seeded PRNG, so a failing case replays from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Files the mutations point `$ref`s and type references at, written once into WORK/extras. */
const EXTRAS: Record<string, string> = {
  "not-schema.json": "[1, 2]",
  "string.json": '"str"',
  "bad-enum.json": '{ "type": "object", "properties": { "a": { "enum": 5 } } }',
  "cycle.json": '{ "a": { "$ref": "#/b" }, "b": { "$ref": "#/a" } }',
  "ok.schema.json": '{ "title": "Extra", "type": "object", "properties": { "n": { "type": "number" } } }',
  "broken.json": "{ nope",
  "models.ts":
    "export interface Box<T> { value: T }\nexport interface Plain { a: string; when: Date }\nexport const value = 1;\n",
  "folder/keep.ts": "export {};\n",
};

/** Field names, of aliases and of schemas, that mutations add. */
const FIELDS = [
  ...["cache", "ttl", "timeout", "namespace", "serializer", "plugins", "key_builder", "endpoint", "port", "db"],
  ...["password", "max_size", "servers", "class", "schema", "type", "validate", "title", "enum"],
];

/** One of `items` (not empty), chosen by `rand`. */
function choose<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** A random value of any kind, weighted toward what config fields and schemas hold. */
function value(rand: () => number, extras: string, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => choose(rand, items);
  const choices: (() => unknown)[] = [
    () => pick(["", "memory", "redis", "memcached", "aiocache.RedisCache", "./nope.ts#X", "./nope.ts"]),
    () => pick(["json", "string", "pickle", "msgpack", "v8", "null", "timing", "hit_miss_ratio", "set", "both"]),
    () => pick(["${CACHE_X}", "${CACHE_X:-5}", "${CACHE_X:-abc}", "5m", "250ms", "soon", "\ud800", "a\u0000b"]),
    () => pick([0, -1, 1.5, 6379, 1e308, 2 ** 53, true, false, null]),
    () => (depth > 2 ? [] : Array.from({ length: Math.floor(rand() * 3) }, () => value(rand, extras, depth + 1))),
    () => pick([{ class: "timing" }, { class: "json", validate: "set" }, { class: `${extras}/models.ts#Plain` }]),
    () => ({
      $ref: pick([
        "",
        "#",
        "#/%zz",
        "#/nothing",
        5,
        "./nope.json",
        "http://x/y.json",
        ...Object.keys(EXTRAS)
          .filter((f) => f.endsWith(".json"))
          .map((f) => `${extras}/${f}`),
      ]),
    }),
    () => ({
      title: pick(["InstanceType", "CacheTypes", "caches", "Readonly", "NoPlugins", "Duration", "Value", "default"]),
      type: pick(["object", "string", "objekt", 5]),
      properties: pick([{}, { a: { enum: 5 } }, { a: { type: "integer" } }, 3]),
      required: pick([[], ["a"], "a"]),
    }),
    () => ({
      from: pick([`${extras}/models.ts`, `${extras}/folder`, "./nope.ts", 5]),
      name: pick(["Box", "Plain", "value", "Nope"]),
    }),
    () => (depth > 2 ? {} : { [pick(FIELDS)]: value(rand, extras, depth + 1) }),
  ];
  return pick(choices)();
}

/** Every object/array path of `data`, the root first. */
function paths(data: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (data === null || typeof data !== "object") return [];
  return [at, ...Object.entries(data).flatMap(([k, v]) => paths(v, [...at, Array.isArray(data) ? Number(k) : k]))];
}

/** Strings that test how names, keys, comments and literals are written into a source file. */
const ODD = [
  "__proto__",
  "constructor",
  "toString",
  "",
  "1st",
  "with space",
  "é",
  "\ud83d\ude00",
  'a"b',
  "a\\b",
  "*/",
  "${x}",
  "`",
  "x".repeat(120),
];
const TITLES = [
  "InstanceType",
  "Array",
  "Promise",
  "Record",
  "Date",
  "Map",
  "Readonly",
  "caches",
  "A B",
  "123",
  "Value",
];

/**
 * A change that keeps the config valid but writes odd text into the output: an alias renamed, a
 * schema retitled or given an oddly named property, a namespace of odd characters.
 */
function benign(copy: Record<string, unknown>, rand: () => number): void {
  const pick = <T>(items: readonly T[]): T => choose(rand, items);
  const alias = pick(Object.keys(copy).filter((k) => !k.startsWith("$")));
  const op = rand();
  if (op < 0.35) {
    const renamed = pick(ODD);
    if (!(renamed in copy)) {
      copy[renamed] = copy[alias];
      Reflect.deleteProperty(copy, alias);
    }
    return;
  }
  const found: unknown = copy[alias];
  if (typeof found !== "object" || found === null) return;
  const config = found as Record<string, unknown>;
  if (op < 0.55) {
    config["namespace"] = pick(ODD);
    return;
  }
  const serializer = {
    class: "json",
    ...(config["serializer"] as object | undefined),
    validate: pick(["set", "none"]),
  };
  const schema = { type: "object", ...((serializer as { schema?: object }).schema ?? {}) } as Record<string, unknown>;
  if ("$ref" in schema) return;
  schema["title"] = pick(TITLES);
  schema["description"] = pick(ODD);
  schema["properties"] = {
    ...(schema["properties"] as object | undefined),
    [pick(ODD)]: { type: pick(["string", "integer"]) },
  };
  config["serializer"] = { ...serializer, class: "json", schema };
}

/** Zero to three structural mutations of `data` (a deep copy), sometimes after a benign one. */
function mutate(data: unknown, rand: () => number, extras: string): unknown {
  const copy = structuredClone(data) as Record<string, unknown>;
  const pick = <T>(items: readonly T[]): T => choose(rand, items);
  const kept = rand() < 0.4;
  if (kept) benign(copy, rand);
  for (let n = Math.floor(rand() * 3) + (kept ? 0 : 1); n > 0; n--) {
    const path = pick(paths(copy));
    const node = path.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], copy) as Record<
      string | number,
      unknown
    >;
    const keys = Object.keys(node);
    const op = rand();
    if (path.length === 0 && op < 0.2) {
      const alias = pick(keys.filter((k) => !k.startsWith("$")).concat("default"));
      node[pick([...ODD, `${alias}_copy`])] = structuredClone(node[alias] ?? { cache: "memory" });
    } else if (op < 0.35 && keys.length > 0) {
      Reflect.deleteProperty(node, pick(keys));
    } else if (op < 0.75 && keys.length > 0) {
      node[Array.isArray(node) ? Number(pick(keys)) : pick(keys)] = value(rand, extras);
    } else if (!Array.isArray(node)) {
      node[pick(FIELDS)] = value(rand, extras);
    }
  }
  return copy;
}

/** Text-level damage: a character inserted or removed, or (YAML) an alias bomb or a dangling alias. */
function damage(text: string, yaml: boolean, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  const op = rand();
  if (yaml && op < 0.3) {
    const lol = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      lol.push(`${"abcdefghi"[i]!}: &${"abcdefghi"[i]!} [${`*${"abcdefghi"[i - 1]!},`.repeat(9)}]`);
    return `${lol.join("\n")}\n${text}`;
  }
  if (yaml && op < 0.5) return `${text}\nextra: *missing\n`;
  if (op < 0.75) return text.slice(0, at) + "}{,:[\"'"[Math.floor(rand() * 7)]! + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1);
}

interface Case {
  readonly id: string;
  readonly fixture: string;
  readonly text: string;
}

/** The seeded cases, each a mutated golden config, written as the fixture's format. */
function cases(extras: string): Case[] {
  const rand = random(SEED);
  const fixtures = ["seed", "backends", "env", "schema-ref", "yaml", "type-ref"] as const;
  return Array.from({ length: CASES }, (_, i) => {
    // Configs naming TypeScript modules build a program each: they get a smaller share.
    const fixture = fixtures[Math.floor(rand() * (rand() < 0.1 ? fixtures.length : fixtures.length - 1))]!;
    const yaml = fixture === "yaml";
    const file = join(ROOT, "fixtures", fixture, yaml ? "cachegen.config.yaml" : "cachegen.config.json");
    const original = readFileSync(file, "utf8");
    const data = parseData(original, yaml);
    const fromFixture = relative(join(ROOT, "fixtures", fixture), extras).replaceAll("\\", "/");
    const mutated = mutate(data, rand, fromFixture);
    let text = yaml ? yamlStringify(mutated) : JSON.stringify(mutated, null, 2);
    if (rand() < 0.15) text = damage(text, yaml, rand);
    return { id: `seed ${SEED} case ${i} (${fixture})`, fixture, text };
  });
}

/** A config's data as the runtime would get it, or `undefined` when the text does not parse. */
function parseData(text: string, yaml: boolean): unknown {
  try {
    return yaml ? yamlParse(text) : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The runtime's verdict on the same data: `setConfig` on a fresh registry. */
function runtimeAccepts(data: unknown): boolean {
  try {
    new CacheRegistry().setConfig(data as Record<string, never>);
    return true;
  } catch {
    return false;
  }
}

describe(`generator fuzz (seed ${SEED}, ${CASES} cases)`, () => {
  it("never throws, locates every problem, agrees with setConfig, and every accepted file compiles", async () => {
    rmSync(WORK, { recursive: true, force: true });
    const extras = join(WORK, "extras");
    for (const [name, text] of Object.entries(EXTRAS)) {
      mkdirSync(join(extras, name, ".."), { recursive: true });
      writeFileSync(join(extras, name), text);
    }
    const failures: string[] = [];
    const accepted: string[] = [];
    for (const [i, c] of cases(extras).entries()) {
      const yaml = c.fixture === "yaml";
      const path = join(ROOT, "fixtures", c.fixture, yaml ? "cachegen.config.yaml" : "cachegen.config.json");
      const out = join(WORK, `case-${i}`, "caches.ts");
      const data = parseData(c.text, yaml);
      try {
        const result = await generateSource({ source: { path, name: "config", text: c.text }, out });
        const lines = c.text.split("\n").length;
        if (!result.ok) {
          const bad = result.problems.filter(
            (p) => p.line < 1 || p.line > lines + 1 || p.column < 1 || p.message === "",
          );
          if (result.problems.length === 0 || bad.length > 0)
            failures.push(`${c.id}: unlocated ${JSON.stringify(bad)}`);
          if (data === undefined && !yaml && result.problems.length !== 1) {
            failures.push(`${c.id}: a JSON syntax error gave ${result.problems.length} problems`);
          }
        }
        // The generator checks more than the runtime can (files, modules, names), never less.
        if (result.ok && (data === undefined || !runtimeAccepts(data))) {
          failures.push(`${c.id}: generated, but setConfig rejects it`);
        }
        if (result.ok) {
          accepted.push(out);
          for (const file of result.outputs) {
            if (file.text === undefined) continue;
            mkdirSync(join(file.path, ".."), { recursive: true });
            writeFileSync(file.path, file.text);
          }
        }
      } catch (error) {
        failures.push(`${c.id}: threw ${(error as Error).stack ?? String(error)}\n${c.text}`);
      }
    }
    expect(failures).toEqual([]);
    expect(accepted.length, "some mutated configs are still valid").toBeGreaterThan(CASES / 10);

    writeFileSync(
      join(WORK, "tsconfig.json"),
      JSON.stringify({
        extends: join(ROOT, "tsconfig.json"),
        compilerOptions: { noEmit: true, paths: { cachegen: [join(ROOT, "runtime", "index.ts")] } },
        include: ["case-*/*.ts"],
        exclude: [],
      }),
    );
    expect(await tsc(COMPILERS["7.x"], ["-p", join(WORK, "tsconfig.json")])).toBe("");
  }, 600_000);
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatChange } from "../../generator/check/change.js";
import { semanticChanges } from "../../generator/check/summary.js";
import { formatProblem } from "../../generator/problems.js";
import { generateSource } from "../../generator/source.js";
import { keyVersion, schemaShape } from "../../generator/types/key-version.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cachegen-keys-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Generates `config` (with `files` beside it) and returns the text of caches.ts. */
async function generated(config: object, files: Record<string, string> = {}): Promise<string> {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const path = join(dir, "cachegen.config.json");
  const result = await generateSource({ source: { path, text: JSON.stringify(config) } });
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
  return result.text;
}

/** The `keyVersions` the file passes to the registry. */
function versions(text: string): Record<string, string> {
  const block = /keyVersions: \{([^}]*)\}/.exec(text)?.[1] ?? "";
  return Object.fromEntries([...block.matchAll(/(\w+): "(\w+)"/g)].map((m) => [m[1]!, m[2]!]));
}

const USER = { type: "object", required: ["id"], properties: { id: { type: "string" } } };
const versioned = (schema: object, more: object = {}) => ({
  users: { cache: "redis", namespace: "users", key_version: "schema", serializer: { class: "json", schema }, ...more },
});

describe("key_version: schema", () => {
  it("is a short hash that annotations, key order and layout leave alone", async () => {
    const base = versions(await generated(versioned(USER)))["users"];
    expect(base).toMatch(/^[0-9a-f]{8}$/);
    const annotated = {
      description: "A user",
      properties: { id: { description: "Its id", type: "string" } },
      required: ["id"],
      title: "User",
      type: "object",
    };
    expect(versions(await generated(versioned(annotated)))["users"]).toBe(base);
    const referenced = versioned({ $ref: "./user.schema.json" });
    expect(versions(await generated(referenced, { "user.schema.json": JSON.stringify(USER) }))["users"]).toBe(base);
  });

  it("changes with the value's structure and with the serializer", async () => {
    const base = versions(await generated(versioned(USER)))["users"];
    const widened = { ...USER, properties: { ...USER.properties, name: { type: "string" } } };
    expect(versions(await generated(versioned(widened)))["users"]).not.toBe(base);
    const msgpack = versioned(USER, { serializer: { class: "msgpack", schema: USER } });
    expect(versions(await generated(msgpack))["users"]).not.toBe(base);
  });

  it("hashes a referenced TypeScript type's structure, not its names or methods", async () => {
    const config = {
      users: {
        cache: "redis",
        key_version: "schema",
        serializer: { class: "v8", type: { from: "./m.ts", name: "U" } },
      },
    };
    const version = async (source: string) => versions(await generated(config, { "m.ts": source }))["users"];
    const base = await version(
      "export interface U { id: string; at: Date; tags?: Tag[] }\ntype Tag = { name: string };",
    );
    expect(
      await version("/** doc */\nexport interface U { tags?: { name: string }[]; at: Date; id: string; go(): void }"),
    ).toBe(base);
    expect(await version("export interface U { id: number; at: Date; tags?: { name: string }[] }")).not.toBe(base);
    expect(await version("export interface U { id: string; at: Date; tags: { name: string }[] }")).not.toBe(base);
  });

  it("ends on recursive schemas, and a property named like an annotation counts", () => {
    const tree: Record<string, unknown> = { type: "object", properties: {} };
    (tree["properties"] as Record<string, unknown>)["children"] = { type: "array", items: tree };
    expect(schemaShape(tree)).toBe('{"properties":{"children":{"items":{"$cycle":0},"type":"array"}},"type":"object"}');
    const titled = { type: "object", properties: { title: { type: "string" } } };
    expect(schemaShape(titled)).toContain('"title"');
    expect(keyVersion("json", schemaShape(titled))).not.toBe(
      keyVersion("json", schemaShape({ type: "object", properties: {} })),
    );
  });
});

describe("the --check summary", () => {
  const summary = async (before: object, after: object) =>
    semanticChanges(await generated(before), await generated(after)).map(formatChange);

  it("says old entries will be ignored when the key version changes with the value type", async () => {
    const widened = { ...USER, properties: { ...USER.properties, name: { type: "string" } } };
    expect(await summary(versioned(USER), versioned(widened))).toEqual([
      "users: value type UsersValue → UsersValue (its declaration changed) (key version changes: old entries will be ignored)",
    ]);
    const plain = { users: { cache: "redis", namespace: "users", serializer: { class: "json", schema: USER } } };
    const plainWidened = { users: { ...plain.users, serializer: { class: "json", schema: widened } } };
    expect(await summary(plain, plainWidened)).toEqual([
      "users: value type UsersValue → UsersValue (its declaration changed) (stored values incompatible)",
    ]);
  });

  it("reports a manual bump and a new template as new keys", async () => {
    const at = (more: object) => ({ counters: { cache: "redis", namespace: "c", ...more } });
    expect(await summary(at({ key_version: 3 }), at({ key_version: 4 }))).toEqual([
      "counters: key version 3 → 4 (old entries will be ignored)",
    ]);
    expect(await summary(at({}), at({ key: "n:{id}" }))).toEqual([
      'counters: key "" → "n:{id}" (old entries will be ignored)',
    ]);
    expect(await summary(at({ key_version: 1 }), at({ key_version: 1, serializer: { class: "msgpack" } }))).toEqual([
      "counters: serializer json → msgpack (stored values incompatible)",
      "counters: value type JsonValue → unknown (stored values incompatible)",
    ]);
  });
});

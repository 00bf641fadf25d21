import { describe, expect, it } from "vitest";
import { generateSource } from "../../generator/source.js";

/** The generated text for an inline config (no files referenced). */
async function generated(config: object): Promise<string> {
  const result = await generateSource({
    source: { path: "/virtual/cachegen.config.json", text: JSON.stringify(config) },
  });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
  return result.text;
}

describe("$refs inside inline schemas", () => {
  it("resolve against their own alias's schema, not another alias's", async () => {
    const item = (type: string) => ({
      type: "object",
      required: ["item"],
      properties: { item: { $ref: "#/definitions/item" } },
      definitions: { item: { type } },
    });
    const text = await generated({
      numbers: { cache: "memory", serializer: { class: "json", schema: item("number") } },
      words: { cache: "memory", serializer: { class: "json", schema: item("string") } },
    });
    expect(text).toMatch(/export interface NumbersValue \{\n {2}item: number;\n/);
    expect(text).toMatch(/export interface WordsValue \{\n {2}item: string;\n/);
  });

  it("keep recursion through an array or object, which TypeScript can name", async () => {
    const text = await generated({
      tree: {
        cache: "memory",
        serializer: { class: "json", schema: { anyOf: [{ type: "string" }, { type: "array", items: { $ref: "#" } }] } },
      },
    });
    expect(text).toContain("export type TreeValue = string | TreeValue[];");
  });
});

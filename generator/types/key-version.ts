import { createHash } from "node:crypto";
import { BUILTINS } from "cachegen/internal";
import type { AliasModel } from "../config/model.js";
import type { References } from "../config/references.js";

/** Schema keywords that document values without constraining them: editing them keeps the version. */
const ANNOTATIONS = new Set(["title", "description", "$comment", "examples", "$schema", "$id", "default"]);

/** How many hex digits of the hash a version keeps: short in every key, and 2^32 values apart. */
export const VERSION_DIGITS = 8;

/** The computed version of every alias with `key_version: "schema"`, by alias name. */
export function schemaKeyVersions(
  models: readonly AliasModel[],
  references: Pick<References, "schemas" | "typeShapes">,
): Map<string, string> {
  const versions = new Map<string, string>();
  for (const model of models) {
    if (model.keyVersion !== "schema") continue;
    const { serializer } = model;
    const name = serializer === undefined ? "" : "builtin" in serializer ? serializer.builtin : serializer.module.ref;
    const schema = references.schemas.get(model.name);
    const shape =
      schema !== undefined
        ? schemaShape(schema.schema)
        : (references.typeShapes.get(model.name) ??
          (serializer !== undefined && "builtin" in serializer
            ? BUILTINS.serializers[serializer.builtin].valueType
            : ""));
    versions.set(model.name, keyVersion(name, shape));
  }
  return versions;
}

/**
 * The version `key_version: "schema"` stands for: a short hash of the serializer and the value
 * type's structure, so a deploy that changes either reads and writes new keys. `shape` is
 * {@link schemaShape} of the resolved schema, the referenced TypeScript type's structure, or the
 * built-in value type's name.
 */
export function keyVersion(serializer: string, shape: string): string {
  return createHash("sha256").update(JSON.stringify({ serializer, shape })).digest("hex").slice(0, VERSION_DIGITS);
}

/** Keywords whose value maps names to schemas: there, a key such as `title` is a name, not an annotation. */
const NAMED_SCHEMAS = new Set(["properties", "patternProperties", "definitions", "$defs", "dependencies"]);

/**
 * A resolved JSON schema (its `$ref`s inlined, possibly a cyclic graph) as canonical text: keys
 * sorted, annotations dropped, and an object met again on its own path written as a back
 * reference (`{"$cycle":0}` is the root), so equal schemas give equal text however they are laid out.
 */
export function schemaShape(schema: unknown): string {
  const open: object[] = [];
  const shape = (value: unknown, names: boolean): string => {
    if (value === null || typeof value !== "object") return JSON.stringify(value);
    const depth = open.indexOf(value);
    if (depth !== -1) return `{"$cycle":${depth}}`;
    open.push(value);
    try {
      if (Array.isArray(value)) return `[${value.map((item) => shape(item, false)).join(",")}]`;
      const entries = Object.entries(value)
        .filter(([key]) => names || !ANNOTATIONS.has(key))
        .sort(([a], [b]) => (a < b ? -1 : 1));
      const text = entries.map(
        ([key, child]) => `${JSON.stringify(key)}:${shape(child, !names && NAMED_SCHEMAS.has(key))}`,
      );
      return `{${text.join(",")}}`;
    } finally {
      open.pop();
    }
  };
  return shape(schema, false);
}

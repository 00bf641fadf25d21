import { createRequire } from "node:module";
import type Ajv from "ajv";
import { type Segments } from "cachegen/internal";

let ajv: InstanceType<typeof Ajv.default> | undefined;

/** What is wrong with a schema's shape, where in it (segments), or nothing. */
export interface ShapeProblem {
  readonly segments: Segments;
  readonly message: string;
}

/**
 * Checks `schema` against the JSON Schema meta-schema (draft-07, the dialect ajv compiles), so a
 * keyword of the wrong shape (an `enum` that is not an array) is reported where it is, instead of
 * crashing json-schema-to-typescript or ajv later. `$schema` is left out: the check is the dialect
 * the generator compiles, whatever the schema claims. ajv loads on first use.
 */
export function schemaShapeProblem(schema: unknown): ShapeProblem | undefined {
  ajv ??= new (createRequire(import.meta.url)("ajv") as typeof Ajv).default({ strict: false });
  const checked =
    typeof schema === "object" && schema !== null && "$schema" in schema ? { ...schema, $schema: undefined } : schema;
  if (ajv.validateSchema(checked as object) === true) return undefined;
  const error = ajv.errors?.[0];
  const segments = (error?.instancePath ?? "")
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"));
  const where = segments.length === 0 ? "the schema" : `/${segments.join("/")}`;
  if (error?.keyword === "type" && error.message === "must be object,boolean") {
    return { segments, message: `${where} must be an object (or true/false) (JSON Schema draft-07)` };
  }
  const allowed =
    error?.keyword === "enum" ? `: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(", ")}` : "";
  return { segments, message: `${where} ${error?.message ?? "is not valid"}${allowed} (JSON Schema draft-07)` };
}

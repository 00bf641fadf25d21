import type { PendingProblem } from "../problems.js";
import type { ResolvedSchema, SchemaResolver } from "../types/schema-refs.js";
import type { TsRefChecker } from "../types/ts-refs.js";
import { moduleRefs, type AliasModel, type ModuleUse } from "./model.js";

/** What the generator-only checks found, and what they resolved on the way. */
export interface References {
  readonly problems: readonly PendingProblem[];
  /** Alias → its schema with `$ref`s inlined. */
  readonly schemas: ReadonlyMap<string, ResolvedSchema>;
  /** Every schema file the schemas reach → its text, as read once by the resolver. */
  readonly schemaTexts: ReadonlyMap<string, string>;
  /** Module reference → type parameter count of the class it names. */
  readonly typeParameters: ReadonlyMap<string, number>;
  /** Every file the config references: schemas and TypeScript modules. */
  readonly files: ReadonlySet<string>;
  /** Alias → the structure of its `serializer.type`, for aliases with `key_version: "schema"`. */
  readonly typeShapes: ReadonlyMap<string, string>;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The checks that need the file system or the TypeScript program: `$ref` files exist and parse,
 * module references and `serializer.type` name real exports of the right kind, a type used with
 * the json serializer survives JSON, and alias names can be written to a file at all.
 */
export function checkReferences(
  models: readonly AliasModel[],
  resolveSchema: SchemaResolver,
  ts: TsRefChecker,
): References {
  const problems: PendingProblem[] = [];
  const schemas = new Map<string, ResolvedSchema>();
  const typeParameters = new Map<string, number>();
  const files = new Set<string>();
  const typeShapes = new Map<string, string>();

  const checkModule = (alias: string, { ref, kind, segments }: ModuleUse) => {
    const result = ts.check(ref.from, ref.name, kind, [alias, ...segments]);
    problems.push(...result.problems);
    typeParameters.set(ref.ref, result.typeParameters);
    files.add(result.file);
  };

  for (const model of models) {
    const { name } = model;
    if (LONE_SURROGATE.test(name)) {
      problems.push({
        segments: [name],
        message: "alias name contains an unpaired UTF-16 surrogate, which no source file can hold",
      });
    }
    for (const use of moduleRefs(model)) checkModule(name, use);
    if (model.schema !== undefined) {
      const resolved = resolveSchema.resolve(model.schema, [name, "serializer", "schema"]);
      problems.push(...resolved.problems);
      resolved.files.forEach((f) => files.add(f));
      schemas.set(name, resolved);
    }
    if (model.type !== undefined) {
      const jsonSafe =
        model.serializer !== undefined && "builtin" in model.serializer && model.serializer.builtin === "json";
      const shape = model.keyVersion === "schema";
      const result = ts.check(model.type.from, model.type.name, "type", [name, "serializer", "type"], {
        jsonSafe,
        shape,
      });
      problems.push(...result.problems);
      files.add(result.file);
      if (result.shape !== undefined) typeShapes.set(name, result.shape);
    }
  }
  return { problems, schemas, schemaTexts: resolveSchema.texts, typeParameters, files, typeShapes };
}

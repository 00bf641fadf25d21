import type { JSONSchema } from "json-schema-to-typescript";
import { pascalCase } from "../emit/literal.js";
import type { PendingProblem } from "../problems.js";
import type { Toolchain } from "../toolchain/toolchain.js";
import { tsMorph } from "../ts-morph.js";
import type { SourceFile, TypeNode } from "ts-morph";

/** Value types compiled from schemas: the declarations, and each alias's type expression. */
export interface SchemaTypes {
  /** Exported declarations, one per distinct schema (a schema shared by aliases is declared once). */
  readonly declarations: string;
  /** Alias → its type in `CacheValues`. */
  readonly types: ReadonlyMap<string, string>;
  /** Every declared name, so imports can avoid them. */
  readonly names: ReadonlySet<string>;
}

const ROOT = "CachegenSchemaRoot";

/**
 * Compiles every alias schema in one json-schema-to-typescript run: one root object whose
 * properties are the alias schemas. A schema without a title is named after its alias
 * (`redis_alt` → `RedisAltValue`), so names never depend on traversal order. The root itself is
 * only a carrier: its property types say which name each alias got, then it is dropped.
 */
export async function schemaTypes(
  schemas: ReadonlyMap<string, object | boolean>,
  toolchain: Toolchain,
): Promise<SchemaTypes> {
  const types = new Map<string, string>();
  const properties: Record<string, JSONSchema> = {};
  const order: string[] = [];
  for (const [alias, schema] of schemas) {
    if (typeof schema === "boolean") {
      types.set(alias, schema ? "unknown" : "never");
      continue;
    }
    const titled = schema as JSONSchema;
    titled.title ??= `${pascalCase(alias)}Value`;
    properties[`p${order.length}`] = titled;
    order.push(alias);
  }
  if (order.length === 0) return { declarations: "", types, names: new Set() };

  const root: JSONSchema = {
    title: ROOT,
    type: "object",
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
  };
  const compiled = toolchain.compileSchema(root, ROOT);
  // Loading ts-morph takes longer than the compile: with a worker toolchain, both happen at once.
  const { Project } = tsMorph();
  const text = await compiled;
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const file = project.createSourceFile("types.ts", text);
  // A `tsType` keyword is copied in as written: it must at least be TypeScript.
  const [syntax] = project.getProgram().getSyntacticDiagnostics(file);
  if (syntax !== undefined) {
    const message = syntax.getMessageText();
    throw new Error(
      `its TypeScript does not parse (${typeof message === "string" ? message : message.getMessageText()})`,
    );
  }
  const circular = circularAlias(file);
  if (circular !== undefined) {
    throw new Error(
      `its type ${circular} is nothing but a reference to itself, which TypeScript rejects; give it a type of its own`,
    );
  }
  const carrier = file.getInterfaceOrThrow(ROOT);
  carrier.getProperties().forEach((property, i) => types.set(order[i]!, property.getTypeNodeOrThrow().getText()));
  // Skipped rather than removed: a removal makes ts-morph re-parse the file.
  const declared = [...file.getInterfaces(), ...file.getTypeAliases(), ...file.getEnums()].filter((d) => d !== carrier);
  const names = new Set(declared.map((d) => d.getName()));
  const declarations = file
    .getStatements()
    .filter((s) => s !== carrier)
    .map((s) => s.getText(true))
    .join("\n\n");
  return { declarations, types, names };
}

/**
 * A type alias that is, through unions, intersections and other aliases only, itself: what a schema
 * that is nothing but a `$ref` to itself (`allOf: [{ $ref: "#" }]`) compiles to, and what TypeScript
 * rejects ("circularly references itself"). A reference inside an object or array type is fine.
 */
function circularAlias(file: SourceFile): string | undefined {
  const { Node } = tsMorph();
  const bare = (node: TypeNode): string[] => {
    if (Node.isTypeReference(node)) return [node.getTypeName().getText()];
    if (Node.isUnionTypeNode(node) || Node.isIntersectionTypeNode(node)) return node.getTypeNodes().flatMap(bare);
    if (Node.isParenthesizedTypeNode(node)) return bare(node.getTypeNode());
    return [];
  };
  const edges = new Map(file.getTypeAliases().map((a) => [a.getName(), bare(a.getTypeNodeOrThrow())]));
  const reaches = (from: string, to: string, seen: Set<string>): boolean =>
    (edges.get(from) ?? []).some((next) => next === to || (!seen.has(next) && reaches(next, to, seen.add(next))));
  return [...edges.keys()].find((name) => reaches(name, name, new Set()));
}

/**
 * {@link schemaTypes}, or, when json-schema-to-typescript fails on the config's schemas, which
 * aliases it fails on and why (each retried alone to find them).
 */
export async function schemaTypesOrProblems(
  schemas: ReadonlyMap<string, object | boolean>,
  toolchain: Toolchain,
): Promise<{ readonly types: SchemaTypes } | { readonly problems: PendingProblem[] }> {
  const problem = (alias: string, error: unknown): PendingProblem => ({
    segments: [alias, "serializer", "schema"],
    message: `cannot turn this schema into a TypeScript type: ${(error as Error).message}`,
  });
  try {
    return { types: await schemaTypes(schemas, toolchain) };
  } catch (error) {
    const problems: PendingProblem[] = [];
    for (const [alias, schema] of schemas) {
      await schemaTypes(new Map([[alias, schema]]), toolchain).catch((e: unknown) => problems.push(problem(alias, e)));
    }
    return { problems: problems.length > 0 ? problems : [problem([...schemas.keys()][0]!, error)] };
  }
}

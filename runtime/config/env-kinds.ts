import { schema } from "./schema.generated.js";
import type { EnvKind } from "./env.js";
import { BUILTINS, type BackendName } from "./builtins.js";
import type { Segments } from "./problems.js";

type SchemaNode = {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly anyOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly items?: SchemaNode;
};

const definitions = schema.definitions as Readonly<Record<string, SchemaNode>>;

/**
 * How a `${VAR}` at `segments` inside an alias converts at run time, read off the config schema
 * (the one source of field types): a field that admits integers reads an integer, numbers a
 * duration, booleans a boolean, anything else a string. Fields the schema does not describe
 * (options of user classes) read strings.
 */
export function envKindAt(backend: BackendName | "module", segments: Segments): EnvKind {
  let node: SchemaNode | undefined =
    definitions[backend === "module" ? "customAlias" : BUILTINS.backends[backend].schema];
  for (const segment of segments) {
    node = resolve(node);
    node = typeof segment === "number" ? node?.items : node?.properties?.[segment];
  }
  const types = leafTypes(node);
  if (types.has("integer")) return "integer";
  if (types.has("number")) return "duration";
  if (types.has("boolean")) return "boolean";
  return "string";
}

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  return node?.$ref === undefined ? node : resolve(definitions[node.$ref.replace("#/definitions/", "")]);
}

function leafTypes(node: SchemaNode | undefined): Set<string> {
  const resolved = resolve(node);
  const types = new Set<string>([resolved?.type ?? []].flat());
  for (const branch of resolved?.anyOf ?? []) for (const type of leafTypes(branch)) types.add(type);
  return types;
}

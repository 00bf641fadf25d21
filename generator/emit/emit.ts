import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Project, StructureKind, SyntaxKind, type ImportDeclarationStructure, type OptionalKind } from "ts-morph";
import { packageRoot } from "../package-root.js";
import { propertyKey } from "./literal.js";

/** A named import of the generated file; `local` differs from `name` only to avoid a clash. */
export interface ImportName {
  readonly name: string;
  readonly local: string;
  readonly typeOnly: boolean;
}

/** One user module the generated file imports. */
export interface UserImport {
  /** Relative to the generated file, with a `.js` extension (NodeNext). */
  readonly specifier: string;
  readonly names: readonly ImportName[];
}

/** One alias as the generated types see it. */
export interface AliasTypes {
  readonly name: string;
  /** Its `CacheValues` member. */
  readonly valueType: string;
  /** Its `CacheTypes` member: what `caches.get(name)` returns. */
  readonly cacheType: string;
}

/** Everything the template is filled with, as source fragments. Built first, inserted in a few batched calls. */
export interface EmitInput {
  /** Names imported from "cachegen" besides `CacheRegistry`. */
  readonly runtime: readonly { readonly name: string; readonly typeOnly: boolean }[];
  readonly imports: readonly UserImport[];
  /** Value type declarations (from schemas). */
  readonly declarations: string;
  /** Validator constants, each one statement. */
  readonly validators: string;
  /** The config object literal. */
  readonly config: string;
  readonly aliases: readonly AliasTypes[];
  /** The registry options object literal. */
  readonly options: string;
}

/**
 * Fills `templates/caches.ts`, a valid TypeScript skeleton, through ts-morph. Every list is added
 * in one call with all its structures: each manipulation re-parses the file, so one call per
 * alias would make generation quadratic in the alias count.
 */
export function emitSource(input: EmitInput): string {
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const file = project.createSourceFile("caches.ts", template());
  file
    .getImportDeclarationOrThrow((d) => d.getModuleSpecifierValue() === "cachegen")
    .addNamedImports(input.runtime.map(({ name, typeOnly }) => ({ name, isTypeOnly: typeOnly })));
  if (input.imports.length > 0) file.insertImportDeclarations(1, input.imports.map(importStructure));

  const configStatement = file.getVariableStatementOrThrow("config");
  configStatement.getDeclarations()[0]!.setInitializer(`${input.config} as const`);
  // A leading newline keeps a blank line between the inserted block and what precedes it.
  if (input.declarations !== "") file.insertStatements(configStatement.getChildIndex(), `\n${input.declarations}`);

  file.getTypeAliasOrThrow("CacheAlias").setType(union(input.aliases.map((a) => JSON.stringify(a.name))));
  file.getInterfaceOrThrow("CacheValues").addProperties(input.aliases.map((a) => property(a.name, a.valueType)));
  file.getInterfaceOrThrow("CacheTypes").addProperties(input.aliases.map((a) => property(a.name, a.cacheType)));

  const caches = file.getVariableStatementOrThrow("caches");
  if (input.validators !== "") file.insertStatements(caches.getChildIndex(), `\n${input.validators}`);
  const registry = caches.getDeclarations()[0]!.getInitializerIfKindOrThrow(SyntaxKind.NewExpression);
  registry.getArguments()[1]!.replaceWithText(input.options);
  return file.getFullText();
}

function importStructure(entry: UserImport): OptionalKind<ImportDeclarationStructure> {
  return {
    kind: StructureKind.ImportDeclaration,
    moduleSpecifier: entry.specifier,
    namedImports: entry.names.map(({ name, local, typeOnly }) => ({
      name,
      alias: local === name ? undefined : local,
      isTypeOnly: typeOnly,
    })),
  };
}

function property(name: string, type: string) {
  return { kind: StructureKind.PropertySignature as const, name: propertyKey(name), type };
}

function union(members: readonly string[]): string {
  return members.length === 0 ? "never" : members.join(" | ");
}

let cachedTemplate: string | undefined;

/** The skeleton, read once per process. */
function template(): string {
  cachedTemplate ??= readFileSync(join(packageRoot(), "templates", "caches.ts"), "utf8");
  return cachedTemplate;
}

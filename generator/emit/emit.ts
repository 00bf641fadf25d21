import { readFileSync } from "node:fs";
import { join } from "node:path";
import type {
  ImportDeclarationStructure,
  ImportSpecifierStructure,
  OptionalKind,
  PropertySignatureStructure,
  Project,
  SourceFileStructure,
  StatementStructures,
  VariableStatementStructure,
} from "ts-morph";
import { packageRoot } from "../package-root.js";
import { tsMorph } from "../ts-morph.js";
import { propertyKey } from "./literal.js";
import type { Regions } from "./regions.js";

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
  /** The key template parameter interfaces (see `keyTypes`). */
  readonly keyDeclarations: string;
  /** The config object literal. */
  readonly config: string;
  /** Whether prettier should skip the config literal: true when it runs with its default options, which `literal` already follows. */
  readonly configLaidOut: boolean;
  readonly aliases: readonly AliasTypes[];
  /** The registry options object literal. */
  readonly options: string;
  /** Where the big pieces wait while ts-morph prints the rest; `declarations` may already be one. */
  readonly regions: Regions;
}

/**
 * Fills `templates/caches.ts`, a valid TypeScript skeleton, through ts-morph: the template's
 * structure is read once, every list is filled in, and the file is printed once. Editing a parsed
 * file instead re-parses it on every manipulation, which for 200 aliases costs more than the rest of
 * generation together. The declarations and config literal, most of a big file, are
 * placeholders (see {@link Regions}) while ts-morph prints and parses it.
 */
export function emitSource(input: EmitInput): string {
  const { Project, StructureKind } = tsMorph();
  const { regions } = input;
  const project = new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true });
  const structure = templateStructure(project);
  const statements = structure.statements as (string | StatementStructures)[];
  const find = <K extends StatementStructures["kind"]>(kind: K, name: string) => {
    const index = statements.findIndex((s) => typeof s !== "string" && s.kind === kind && statementName(s) === name);
    if (index === -1) throw new Error(`templates/caches.ts has no ${name}`);
    return { index, node: statements[index] as Extract<StatementStructures, { kind: K }> };
  };

  const runtime = find(StructureKind.ImportDeclaration, "cachegen").node;
  runtime.namedImports = [
    ...(runtime.namedImports as OptionalKind<ImportSpecifierStructure>[]),
    ...input.runtime.map(({ name, typeOnly }) => ({ name, isTypeOnly: typeOnly })),
  ];
  find(StructureKind.TypeAlias, "CacheAlias").node.type = union(input.aliases.map((a) => JSON.stringify(a.name)));
  find(StructureKind.Interface, "CacheValues").node.properties = input.aliases.map((a) =>
    property(a.name, a.valueType),
  );
  find(StructureKind.Interface, "CacheTypes").node.properties = input.aliases.map((a) => property(a.name, a.cacheType));
  const declaration = find(StructureKind.VariableStatement, "caches").node.declarations[0]!;
  declaration.initializer = String(declaration.initializer).replace(/\{\}(,?\s*\))$/, `${input.options}$1`);

  // The printer separates only some statement kinds by a blank line; prettier folds any extras.
  for (const statement of statements) {
    if (typeof statement !== "string" && statement.kind !== StructureKind.ImportDeclaration)
      statement.leadingTrivia = "\n";
  }
  // Inserted back to front so the indexes found above stay valid.
  const config = find(StructureKind.VariableStatement, "config");
  const configText = configStatement(config.node, input.config, input.configLaidOut);
  statements[config.index] = `\n${input.configLaidOut ? regions.final(configText) : regions.raw(configText)}`;
  if (input.keyDeclarations !== "") statements.splice(config.index, 0, `\n${input.keyDeclarations}`);
  if (input.declarations !== "") statements.splice(config.index, 0, `\n${input.declarations}`);
  statements.splice(
    find(StructureKind.ImportDeclaration, "cachegen").index + 1,
    0,
    ...input.imports.map(importStructure),
  );
  return project.createSourceFile("caches.ts", structure).getFullText();
}

/**
 * The config statement as text, under the template's doc comment (as text, it escapes the structure
 * printer, which would re-indent a multi-line initializer). When the literal is already laid out as
 * default prettier would (see `literal`), it bypasses prettier, which would spend most of its time
 * on it for a big config, and is marked `prettier-ignore` for a project that formats generated
 * files. With a project's own prettier config, prettier formats it.
 */
function configStatement(template: VariableStatementStructure, literal: string, laidOut: boolean): string {
  const docs = (template.docs ?? []).map((d) => `/** ${typeof d === "string" ? d : String(d.description ?? "")} */\n`);
  return `${docs.join("")}${laidOut ? "// prettier-ignore\n" : ""}const config = ${literal} as const;`;
}

function statementName(statement: StatementStructures): string | undefined {
  const { StructureKind } = tsMorph();
  if (statement.kind === StructureKind.ImportDeclaration) return statement.moduleSpecifier;
  if (statement.kind === StructureKind.VariableStatement) return statement.declarations[0]?.name;
  return "name" in statement ? statement.name : undefined;
}

function importStructure(entry: UserImport): ImportDeclarationStructure {
  const { StructureKind } = tsMorph();
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

function property(name: string, type: string): OptionalKind<PropertySignatureStructure> {
  return { name: propertyKey(name), type };
}

function union(members: readonly string[]): string {
  return members.length === 0 ? "never" : members.join(" | ");
}

let templateText: string | undefined;

/** The skeleton's structure; its text is read once per process. */
function templateStructure(project: Project): SourceFileStructure {
  templateText ??= readFileSync(join(packageRoot(), "templates", "caches.ts"), "utf8");
  return project.createSourceFile("template.ts", templateText).getStructure();
}

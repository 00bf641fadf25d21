import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ExportedDeclarations, Project, SourceFile } from "ts-morph";
import { closest, type Segments } from "cachegen/internal";
import { posixRelative } from "../paths.js";
import type { PendingProblem } from "../problems.js";
import { tsMorph } from "../ts-morph.js";
import { jsonUnsafe } from "./json-safety.js";
import { typeShape } from "./type-shape.js";

/** What a reference must name: a cache class, another class (`new`ed), a function, or a type. */
export type RefKind = "cache" | "class" | "function" | "type";

/** What checking one reference found. */
export interface RefCheck {
  readonly problems: readonly PendingProblem[];
  /** For a class: how many type parameters it takes, so the emitter can pass `<V, P>`. */
  readonly typeParameters: number;
  /** The file the reference points at (watched by `--watch`). */
  readonly file: string;
  /** For a type checked with `shape`: its structure (see `typeShape`). */
  readonly shape?: string;
}

/** What else to check or compute for a type reference. */
export interface TypeRefOptions {
  /** The type must survive a JSON round trip. */
  readonly jsonSafe?: boolean;
  /** Compute the type's structure, for `key_version: "schema"`. */
  readonly shape?: boolean;
}

/** Checks `./module.ts#Export` and `{ from, name }` references against the user's TypeScript. */
export interface TsRefChecker {
  check(from: string, name: string, kind: RefKind, segments: Segments, options?: TypeRefOptions): RefCheck;
}

/**
 * A checker over one ts-morph project shared by every reference of a config, created on first use
 * so a config without user code never builds a TypeScript program.
 */
export function tsRefChecker(configFile: string): TsRefChecker {
  const configDir = dirname(configFile);
  let project: Project | undefined;
  const sourceFile = (path: string): SourceFile => {
    const { Project, ts } = tsMorph();
    project ??= new Project({
      skipAddingFilesFromTsConfig: true,
      compilerOptions: {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        skipLibCheck: true,
        noEmit: true,
      },
    });
    return project.getSourceFile(path) ?? project.addSourceFileAtPath(path);
  };
  return {
    check(from, name, kind, segments, options = {}) {
      const file = resolve(configDir, from);
      const shown = `./${posixRelative(configDir, file)}`;
      const problem = (message: string): RefCheck => ({ problems: [{ segments, message }], typeParameters: 0, file });
      if (!existsSync(file)) return problem(`${shown} does not exist (paths are relative to the config file)`);
      if (!statSync(file).isFile()) return problem(`${shown} is a folder; name a TypeScript file in it`);
      const exports = sourceFile(file).getExportedDeclarations();
      const declaration = exports.get(name)?.[0];
      if (declaration === undefined) {
        const names = [...exports.keys()].sort();
        const guess = closest(name, names);
        const hint = guess ? `; did you mean "${guess}"?` : names.length ? `; it exports ${names.join(", ")}` : "";
        return problem(`${shown} has no export named "${name}"${hint}`);
      }
      const mismatch = kindMismatch(declaration, kind);
      if (mismatch !== undefined) return problem(`${shown}#${name} is ${mismatch}`);
      const required = kind === "type" ? requiredTypeParameters(declaration) : [];
      if (required.length > 0) {
        return problem(
          `${shown}#${name} is generic (<${required.join(", ")}>); export an alias that fills them in (type My${name} = ${name}<…>) and name that`,
        );
      }
      const typeParameters = tsMorph().Node.isClassDeclaration(declaration)
        ? declaration.getTypeParameters().length
        : 0;
      const unsafe = options.jsonSafe ? jsonUnsafe(declaration.getType(), name, declaration) : [];
      return {
        problems: unsafe.map((u) => ({
          segments,
          message: `${u.path}: ${u.type} does not survive a JSON round trip; use the v8 serializer (it keeps Date, Map, Set and bigint) or change the type`,
        })),
        typeParameters,
        file,
        ...(options.shape ? { shape: typeShape(declaration.getType(), declaration) } : {}),
      };
    },
  };
}

/** The type parameters of a declaration that have no default: a type reference must fill them in. */
function requiredTypeParameters(declaration: ExportedDeclarations): string[] {
  const { Node } = tsMorph();
  if (!Node.isTypeParametered(declaration)) return [];
  return declaration
    .getTypeParameters()
    .filter((p) => p.getDefault() === undefined)
    .map((p) => p.getName());
}

/** Members every cache class has, by which a class named in `cache` is told from a plugin or serializer. */
const CACHE_MEMBERS = ["get", "set", "getOrSet", "buildKey"];

/** The type of what `new` on the declaration makes. */
function instanceType(declaration: ExportedDeclarations) {
  const { Node } = tsMorph();
  if (Node.isClassDeclaration(declaration)) return declaration.getType();
  return declaration.getType().getConstructSignatures()[0]?.getReturnType();
}

function kindMismatch(declaration: ExportedDeclarations, kind: RefKind): string | undefined {
  const { Node } = tsMorph();
  const isType =
    Node.isInterfaceDeclaration(declaration) ||
    Node.isTypeAliasDeclaration(declaration) ||
    Node.isClassDeclaration(declaration) ||
    Node.isEnumDeclaration(declaration);
  const variable = Node.isVariableDeclaration(declaration);
  const constructible =
    Node.isClassDeclaration(declaration) || (variable && declaration.getType().getConstructSignatures().length > 0);
  const callable =
    Node.isFunctionDeclaration(declaration) || (variable && declaration.getType().getCallSignatures().length > 0);
  switch (kind) {
    case "type":
      return isType ? undefined : "a value, not a type: name an exported interface, type alias or class";
    case "class":
      return constructible ? undefined : "not a class: the config names a class that cachegen constructs with new";
    case "cache":
      if (!constructible) return "not a class: cache names a class that extends Cache";
      // A cache has the pipeline's operations; a plugin or serializer class has none of them.
      return CACHE_MEMBERS.every((m) => instanceType(declaration)?.getProperty(m) !== undefined)
        ? undefined
        : "not a cache class: cache names a class that extends Cache (MemoryCache, RedisCache, MemcachedCache or Cache itself)";
    case "function":
      return callable ? undefined : "not a function: key_builder names a function (key, namespace) => string";
  }
}

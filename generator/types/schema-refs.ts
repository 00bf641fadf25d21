import { dirname, resolve } from "node:path";
import { formatPath, type Segments } from "cachegen/internal";
import { posixRelative } from "../paths.js";
import type { PendingProblem } from "../problems.js";
import { schemaShapeProblem } from "./schema-shape.js";

/** Reads a file as text, or `undefined` when it does not exist. Injected so callers choose the I/O. */
export type ReadFile = (path: string) => string | undefined;

/** An alias schema with every `$ref` replaced by its target, plus the files it read. */
export interface ResolvedSchema {
  readonly schema: object | boolean;
  readonly files: readonly string[];
  readonly problems: readonly PendingProblem[];
}

/** Resolves alias schemas of one config, reading each referenced file once. */
export interface SchemaResolver {
  /** Resolves one alias's schema found at `segments` of the config. */
  resolve(schema: object | boolean, segments: Segments): ResolvedSchema;
  /** Every schema file read and parsed so far → its text. */
  readonly texts: ReadonlyMap<string, string>;
}

/**
 * Inlines `$ref`s (to local files, and JSON pointers inside them) so json-schema-to-typescript sees
 * one object graph. A target is the same object wherever it is referenced, across all aliases of
 * one resolver, which is how a shared type is declared once; a cycle becomes a cyclic graph.
 */
export function schemaResolver(configFile: string, readFile: ReadFile): SchemaResolver {
  const configDir = dirname(configFile);
  const documents = new Map<string, unknown>();
  const texts = new Map<string, string>();
  const targets = new Map<string, unknown>();
  return {
    resolve: (schema, segments) =>
      resolveRefs(schema, segments, { configFile, configDir, readFile, documents, texts, targets }),
    texts,
  };
}

interface ResolverState {
  readonly configFile: string;
  readonly configDir: string;
  readonly readFile: ReadFile;
  readonly documents: Map<string, unknown>;
  readonly texts: Map<string, string>;
  readonly targets: Map<string, unknown>;
}

/** Stands in the target table while a target is being resolved: meeting it again is a cycle of bare `$ref`s. */
const RESOLVING = Symbol("resolving");

function resolveRefs(schema: object | boolean, segments: Segments, state: ResolverState): ResolvedSchema {
  const { configFile, configDir, readFile, documents, texts, targets } = state;
  const problems: PendingProblem[] = [];
  const files = new Set<string>();

  const load = (file: string, origin: Segments, via: string): { ok: true; doc: unknown } | { ok: false } => {
    files.add(file);
    if (documents.has(file)) return { ok: true, doc: documents.get(file) };
    const shown = `./${posixRelative(configDir, file)}`;
    const text = readFile(file);
    if (text === undefined) {
      problems.push({
        segments: origin,
        message: `${via}$ref file ${shown} does not exist (paths are relative to the file that references them)`,
      });
      return { ok: false };
    }
    try {
      const doc: unknown = JSON.parse(text);
      documents.set(file, doc);
      texts.set(file, text);
      return { ok: true, doc };
    } catch (error) {
      problems.push({
        segments: origin,
        message: `${via}$ref file ${shown} is not valid JSON: ${(error as Error).message}`,
      });
      return { ok: false };
    }
  };

  const follow = (ref: string, file: string, root: unknown, origin: Segments): unknown => {
    const via = file === configFile ? "" : `./${posixRelative(configDir, file)} → `;
    const fail = (message: string) => {
      problems.push({ segments: origin, message: `${via}$ref ${JSON.stringify(ref)} ${message}` });
      return {};
    };
    const hash = ref.indexOf("#");
    const target = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? "" : ref.slice(hash + 1);
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return fail("is remote; only local files are supported");
    let targetFile = file;
    let doc = root;
    if (target !== "") {
      targetFile = resolve(dirname(file), target);
      const loaded = load(targetFile, origin, via);
      if (!loaded.ok) return {};
      doc = loaded.doc;
    }
    // An inline schema is its own document: its `#` is that alias's schema, not the config file.
    const key = `${targetFile === configFile ? formatPath(segments) : targetFile}#${pointer}`;
    const known = targets.get(key);
    if (known === RESOLVING) return fail("is part of a cycle of $refs that never reaches a schema");
    if (targets.has(key)) return known;
    const value = atPointer(doc, pointer);
    if (value === MALFORMED) return fail("has a malformed JSON pointer (percent-encode it as in a URL)");
    if (value === undefined) return fail("points at nothing");
    const shape = schemaShapeProblem(value);
    if (shape !== undefined) return fail(`points at something that is not a JSON Schema: ${shape.message}`);
    if (typeof value !== "object" || value === null) return value;
    targets.set(key, RESOLVING);
    // A target that is itself a `$ref` resolves to that one's target; any other is copied with its `$ref`s resolved.
    const resolved = "$ref" in value ? walk(value, targetFile, doc, origin, origin) : Array.isArray(value) ? [] : {};
    targets.set(key, resolved);
    if (!("$ref" in value)) copyInto(value, resolved as object, targetFile, doc, origin);
    return resolved;
  };

  const walk = (value: unknown, file: string, root: unknown, origin: Segments, path: Segments): unknown => {
    if (value === null || typeof value !== "object") return value;
    if ("$ref" in value) {
      const ref = value.$ref;
      const at = file === configFile ? [...path, "$ref"] : origin;
      if (typeof ref === "string" && ref !== "") return follow(ref, file, root, at);
      problems.push({ segments: at, message: "$ref must name a file, a #/json/pointer, or both" });
      return {};
    }
    const out = Array.isArray(value) ? [] : {};
    copyInto(value, out, file, root, origin, path);
    return out;
  };

  const copyInto = (
    value: object,
    out: object,
    file: string,
    root: unknown,
    origin: Segments,
    path: Segments = origin,
  ) => {
    for (const [key, child] of Object.entries(value)) {
      (out as Record<string, unknown>)[key] = walk(child, file, root, origin, [
        ...path,
        Array.isArray(value) ? Number(key) : key,
      ]);
    }
  };

  const shape = schemaShapeProblem(schema);
  if (shape !== undefined) {
    problems.push({ segments: [...segments, ...shape.segments], message: `not a valid JSON Schema: ${shape.message}` });
    return { schema, files: [], problems };
  }
  // Resolved as the target of `#`, so a `$ref` back to the root is the root itself, not a copy.
  const resolved = follow("#", configFile, schema, segments) as object | boolean;
  return { schema: resolved, files: [...files], problems };
}

/** What {@link atPointer} returns for a pointer whose percent-encoding is broken. */
const MALFORMED = Symbol("malformed pointer");

/** The value at a JSON pointer (`/a/b`, percent-encoded as in a URI fragment); `undefined` if none. */
function atPointer(doc: unknown, pointer: string): unknown {
  if (pointer === "" || pointer === "/") return doc;
  let current = doc;
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    } catch {
      return MALFORMED;
    }
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

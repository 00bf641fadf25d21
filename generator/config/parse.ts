import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import { formatPath, type Segments } from "cachegen/internal";
import type { PendingProblem, Problem } from "../problems.js";
import { jsonSyntaxError } from "./json-syntax.js";

type Node = Yaml.Node;

let loadedYaml: typeof Yaml | undefined;

/** yaml, loaded on first use: a valid JSON config never needs it (about 40 ms of a cold run). */
function yaml(): typeof Yaml {
  loadedYaml ??= createRequire(import.meta.url)("yaml") as typeof Yaml;
  return loadedYaml;
}

/** A config file's text and where the config sits in it (`["cachegen"]` inside package.json). */
export interface ConfigSource {
  /** The file; relative paths in the config are relative to it. */
  readonly path: string;
  /** How messages name the file (e.g. relative to the working directory); default: `path`. */
  readonly name?: string;
  readonly text: string;
  /** Path of the config inside the document; empty for a dedicated config file. */
  readonly root?: Segments;
}

/** A parsed config: its data, the problems parsing found, and a way to locate any path in the source. */
export interface ParsedConfig {
  readonly source: ConfigSource;
  /** The config as plain data (JSON types only); `undefined` when the text does not parse. */
  readonly data: unknown;
  /** Syntax errors and duplicate keys, already located. */
  readonly problems: readonly Problem[];
  /** Locates a pending problem at the key or item its segments name (or the nearest existing parent). */
  locate(problem: PendingProblem): Problem;
}

/**
 * Parses JSON or YAML (JSON is YAML 1.2, so one parser gives both source positions) with the core
 * schema, so only JSON types come out. Duplicate keys are reported here, with both positions known.
 *
 * Valid JSON without duplicate keys takes a fast path: `JSON.parse` for the data (the YAML parser
 * is about a hundred times slower on a large config), and the positioned parse only if a later
 * check has a problem to locate.
 */
export function parseConfig(source: ConfigSource): ParsedConfig {
  if (!/\.json$/i.test(source.path)) return parsePositioned(source);
  const json = fastJson(source.text);
  if ("error" in json) return invalidJson(source, json.error);
  if ("duplicates" in json) return parsePositioned(source);
  let positioned: ParsedConfig | undefined;
  return {
    source,
    data: atRoot(json.data, source.root ?? []),
    problems: [],
    locate: (problem) => (positioned ??= parsePositioned(source)).locate(problem),
  };
}

function parsePositioned(source: ConfigSource): ParsedConfig {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: false, prettyErrors: false, schema: "core" });
  const root = source.root ?? [];
  const at = (offset: number, path: string, message: string): Problem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source.name ?? source.path, line, column: col, path, message };
  };
  const problems: Problem[] = doc.errors.map((error) =>
    at(error.pos[0], "", error.message.split("\n")[0] ?? error.message),
  );
  const rootNode = problems.length === 0 ? deepest(doc.contents, root, true) : undefined;
  if (rootNode !== undefined) {
    duplicates(rootNode, [], (node, segments, key) => {
      const message = segments.length === 0 ? `duplicate alias "${key}"` : `duplicate field "${key}"`;
      problems.push(
        at(
          node.range?.[0] ?? 0,
          formatPath([...segments, key]),
          `${message}: the last one would silently win; remove or rename one`,
        ),
      );
    });
  }
  let data: unknown;
  if (problems.length === 0) {
    try {
      data = atRoot(doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), root);
    } catch (error) {
      // yaml throws a ReferenceError, without position, for an alias it cannot or will not expand.
      const missing = /^Unresolved alias.*: (.+)$/.exec((error as Error).message)?.[1];
      const node = aliasNode(doc, missing);
      const message =
        missing !== undefined
          ? `YAML alias *${missing} has no anchor &${missing} before it`
          : `YAML aliases here expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb?); write the values out instead`;
      problems.push(at(node?.range?.[0] ?? 0, "", message));
    }
  }
  return {
    source,
    data,
    problems,
    locate(problem) {
      const node = deepest(doc.contents, [...root, ...problem.segments]);
      return at(node?.range?.[0] ?? 0, formatPath(problem.segments), problem.message);
    },
  };
}

/**
 * How many nodes YAML aliases may expand to, all told: far above what a config reusing anchors
 * needs (yaml's default, 100, rejects 200 aliases sharing one `&defaults`), far below a bomb's.
 */
const MAX_ALIAS_COUNT = 10_000;

/** The alias node named `name`, or the document's first alias node. */
function aliasNode(doc: Yaml.Document, name: string | undefined): Node | undefined {
  const { visit } = yaml();
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (name !== undefined && node.source !== name) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The config data under `root`, or `undefined` where a segment is missing. */
function atRoot(data: unknown, root: Segments): unknown {
  let current = data;
  for (const segment of root) current = (current as Record<string, unknown> | undefined)?.[segment];
  return current;
}

/** The node for `segments`: a map key when the path ends at a key; with `exact`, nothing short of it. */
function deepest(node: unknown, segments: Segments, exact = false): Node | undefined {
  const { isMap, isScalar, isSeq } = yaml();
  let current = node as Node | undefined;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) return exact ? undefined : current;
      if (last && !exact) return (pair.key as Node | null) ?? current;
      current = (pair.value as Node | null) ?? (pair.key as Node);
    } else if (isSeq(current) && typeof segment === "number" && current.items[segment] !== undefined) {
      current = current.items[segment] as Node;
    } else {
      return exact ? undefined : current;
    }
  }
  return current;
}

function duplicates(
  node: Node,
  segments: Segments,
  report: (key: Node, segments: Segments, name: string) => void,
): void {
  const { isMap, isPair, isScalar, isSeq } = yaml();
  if (isMap(node)) {
    const seen = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = String(pair.key.value);
      if (seen.has(name)) report(pair.key, segments, name);
      seen.add(name);
      if (pair.value) duplicates(pair.value as Node, [...segments, name], report);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => duplicates(item as Node, [...segments, i], report));
  }
}

/** The data of valid JSON, or why it is not: a syntax error, or keys that `JSON.parse` would collapse. */
function fastJson(text: string): { data: unknown } | { error: SyntaxError } | { duplicates: true } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { error: error as SyntaxError };
  }
  return hasDuplicateKeys(text) ? { duplicates: true } : { data };
}

/** A JSON syntax error: one problem, where the text stops being JSON. */
function invalidJson(source: ConfigSource, error: SyntaxError): ParsedConfig {
  const found = jsonSyntaxError(source.text) ?? { offset: 0, message: error.message };
  const before = source.text.slice(0, found.offset).split("\n");
  const problem: Problem = {
    file: source.name ?? source.path,
    line: before.length,
    column: before.at(-1)!.length + 1,
    path: "",
    message: `not valid JSON: ${found.message}`,
  };
  return { source, data: undefined, problems: [problem], locate: () => problem };
}

/** Scans valid JSON for an object with a repeated key (which `JSON.parse` silently collapses). */
function hasDuplicateKeys(text: string): boolean {
  const objects: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (expectKey) {
        const keys = objects[objects.length - 1]!;
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
        expectKey = false;
      }
      i = end;
    } else if (c === "{" || c === "[") {
      objects.push(c === "{" ? new Set() : undefined);
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      objects.pop();
      expectKey = false;
    } else if (c === ",") {
      expectKey = objects[objects.length - 1] !== undefined;
    }
  }
  return false;
}

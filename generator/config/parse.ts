import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Segments } from "../../runtime/config/problems.js";
import { formatPath, type PendingProblem, type Problem } from "../problems.js";

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
 */
export function parseConfig(source: ConfigSource): ParsedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: false, prettyErrors: false, schema: "core" });
  const root = source.root ?? [];
  const at = (offset: number, path: string, message: string): Problem => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: source.name ?? source.path, line, column: col, path, message };
  };
  const problems: Problem[] = doc.errors.map((error) => at(error.pos[0], "", error.message.split("\n")[0] ?? error.message));
  const rootNode = problems.length === 0 ? deepest(doc.contents, root, true) : undefined;
  if (rootNode !== undefined) {
    duplicates(rootNode, [], (node, segments, key) => {
      const message = segments.length === 0 ? `duplicate alias "${key}"` : `duplicate field "${key}"`;
      problems.push(at(node.range?.[0] ?? 0, formatPath([...segments, key]), `${message}: the last one would silently win; remove or rename one`));
    });
  }
  let data: unknown;
  if (problems.length === 0) {
    data = doc.toJS({ maxAliasCount: 100 });
    for (const segment of root) data = (data as Record<string, unknown> | undefined)?.[segment];
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

/** The node for `segments`: a map key when the path ends at a key; with `exact`, nothing short of it. */
function deepest(node: unknown, segments: Segments, exact = false): Node | undefined {
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

function duplicates(node: Node, segments: Segments, report: (key: Node, segments: Segments, name: string) => void): void {
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

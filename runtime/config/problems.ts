import type { ConfigProblem } from "../errors.js";

/** The subset of an ajv (verbose) error that the formatter reads. */
export interface SchemaError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly data?: unknown;
  readonly parentSchema?: { readonly description?: string; readonly properties?: Record<string, unknown> };
}

/** A path in the config: alias name, then fields and list indexes. */
export type Segments = readonly (string | number)[];

/**
 * Turns validator output into one readable problem per mistake: branch noise from `if`/`anyOf` is
 * folded, an unknown field is reported at the field with a did-you-mean, and an `anyOf` miss says
 * what was expected using the schema's own description.
 */
export function schemaProblems(errors: readonly SchemaError[]): ConfigProblem[] {
  const anyOfAt = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  // The enum branches of a failed anyOf (class names) are dropped below, but their values feed did-you-mean.
  const spellings = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword !== "enum" || !anyOfAt.has(error.instancePath)) continue;
    const known = spellings.get(error.instancePath) ?? [];
    known.push(...(error.params["allowedValues"] as unknown[]).filter((v): v is string => typeof v === "string"));
    spellings.set(error.instancePath, known);
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === "if" || error.schemaPath.includes("/propertyNames/")) continue;
    if (error.keyword !== "anyOf" && anyOfAt.has(error.instancePath)) continue;
    const problem = describe(error, spellings.get(error.instancePath) ?? []);
    const id = `${problem.path}\0${problem.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems;
}

/** `["redis_alt", "plugins", 0, "class"]` → `redis_alt.plugins[0].class`. */
export function formatPath(segments: Segments): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function describe(error: SchemaError, spellings: readonly string[]): ConfigProblem {
  const at = pointerSegments(error.instancePath);
  const problem = (segments: Segments, message: string): ConfigProblem => ({
    path: formatPath(segments),
    segments,
    message,
  });
  const value = error.data;
  const description = error.parentSchema?.description;
  switch (error.keyword) {
    case "additionalProperties":
    case "propertyNames": {
      const field = String(error.params["additionalProperty"] ?? error.params["propertyName"]);
      const allowed = allowedFields(error);
      const guess = closest(field, allowed);
      const hint = guess ? `; did you mean "${guess}"?` : allowed.length ? `; allowed: ${allowed.join(", ")}` : "";
      return problem([...at, field], `unknown field "${field}"${hint}`);
    }
    case "required":
      return problem(at, `missing required field "${String(error.params["missingProperty"])}"`);
    case "not":
      return problem(at, description ?? "is not allowed here");
    case "anyOf": {
      const guess = typeof value === "string" ? closest(value, spellings) : undefined;
      const hint = guess ? `; did you mean "${guess}"?` : "";
      return problem(at, `${show(value)} is not valid: expected ${lowerFirst(description ?? "another value")}${hint}`);
    }
    case "enum":
      return problem(
        at,
        `${show(value)} is not one of ${(error.params["allowedValues"] as unknown[]).map(show).join(", ")}`,
      );
    case "type":
      return problem(at, `expected ${String(error.params["type"])}, found ${show(value)}`);
    case "pattern":
      return problem(
        at,
        `${show(value)} is not valid: expected ${lowerFirst(description ?? `a match for ${String(error.params["pattern"])}`)}`,
      );
    default:
      return problem(at, `${show(value)} ${error.message ?? "is invalid"}`);
  }
}

function allowedFields(error: SchemaError): string[] {
  if (error.keyword === "propertyNames") {
    const names = (error.parentSchema as { propertyNames?: { enum?: string[] } } | undefined)?.propertyNames?.enum;
    return names ?? [];
  }
  return Object.keys(error.parentSchema?.properties ?? {});
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function show(value: unknown): string {
  if (value === undefined) return "value";
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, "");
}

/** The allowed name within edit distance 2 of `name`, if there is exactly one best. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

import { schema } from "./schema.generated.js";
import { isDurationString, type Duration } from "../duration.js";
import { ConfigError } from "../errors.js";

const ENV_REF = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

/** The variable name and default of a `${VAR}` / `${VAR:-default}` string, or `undefined`. */
export function parseEnvRef(value: string): { name: string; fallback: string | undefined } | undefined {
  const match = ENV_REF.exec(value);
  return match ? { name: match[1]!, fallback: match[2] } : undefined;
}

interface SchemaNode {
  readonly $ref?: string;
  readonly type?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly anyOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/**
 * The bounds of each integer field by name, read off the config schema: a field name has one
 * meaning wherever it appears (every `port` is 1-65535, every `db` 0 or more).
 */
const INTEGER_BOUNDS = new Map(
  Object.values(schema.definitions as Readonly<Record<string, SchemaNode>>).flatMap((definition) =>
    Object.entries(definition.properties ?? {}).flatMap(([field, node]) => {
      const resolved = resolveRef(node);
      const integer = [resolved, ...(resolved.anyOf ?? []).map(resolveRef)].find((n) => n.type === "integer");
      return integer ? [[field, { minimum: integer.minimum, maximum: integer.maximum }] as const] : [];
    }),
  ),
);

function resolveRef(node: SchemaNode): SchemaNode {
  const name = node.$ref?.replace("#/definitions/", "");
  return name === undefined ? node : resolveRef((schema.definitions as Readonly<Record<string, SchemaNode>>)[name]!);
}

/** How an env value is converted for the field that references it. */
export type EnvKind = "string" | "integer" | "duration" | "boolean";

/** What a field of each kind holds once its env reference is read. */
export interface EnvValues {
  string: string;
  integer: number;
  duration: Duration;
  boolean: boolean;
}

/**
 * A typed `${VAR}` read for generated code: the config literal calls it where the config had a
 * reference, so the value comes from the environment when the module loads and never from the file.
 */
export function fromEnv<K extends EnvKind>(ref: string, kind: K, path: string): EnvValues[K] {
  return readEnv(ref, kind, path) as EnvValues[K];
}

/**
 * Reads a `${VAR}` reference from `process.env` (at run time, never at generate time) and converts
 * it for its field. A missing variable without default, or a value the field cannot take, is a
 * `ConfigError` that names the variable.
 */
export function readEnv(value: string, kind: EnvKind, path: string): string | number | boolean {
  const ref = parseEnvRef(value);
  if (ref === undefined) return value;
  const raw = process.env[ref.name] ?? ref.fallback;
  if (raw === undefined) {
    throw new ConfigError([
      { path, message: `environment variable ${ref.name} is not set; set it or write \${${ref.name}:-default}` },
    ]);
  }
  const bad = (expected: string) =>
    new ConfigError([{ path, message: `environment variable ${ref.name}=${JSON.stringify(raw)} is not ${expected}` }]);
  switch (kind) {
    case "string":
      return raw;
    case "integer": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isSafeInteger(n) || n < 0) throw bad("a non-negative integer");
      // Checked here, where the variable's name is known, rather than by the backend later.
      const { minimum = 0, maximum = Infinity } = INTEGER_BOUNDS.get(path.slice(path.lastIndexOf(".") + 1)) ?? {};
      if (n < minimum || n > maximum) {
        throw bad(maximum === Infinity ? `an integer from ${minimum}` : `an integer from ${minimum} to ${maximum}`);
      }
      return n;
    }
    case "duration": {
      const n = Number(raw);
      if (raw.trim() !== "" && Number.isFinite(n) && n >= 0) return n;
      if (isDurationString(raw)) return raw;
      throw bad('a duration (seconds, or "250ms", "5m", ...)');
    }
    case "boolean":
      if (raw === "true" || raw === "1") return true;
      if (raw === "false" || raw === "0" || raw === "") return false;
      throw bad("a boolean (true/false)");
  }
}

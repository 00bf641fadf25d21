import type { ConfigProblem } from "../errors.js";
import { schema } from "./schema.generated.js";
import { backendName } from "./builtins.js";
import { aliasProblems } from "./check.js";
import { schemaProblems, type SchemaError } from "./problems.js";
import { validate as validateSchema } from "./schema-validator.generated.js";
import type { AliasConfig } from "./types.js";

/** Whether a top-level key of a config names an alias: the keys the schema defines there (`$schema`, `$out`, `telemetry`) and other `$` keys do not. */
export function isAliasKey(key: string): boolean {
  return !key.startsWith("$") && !Object.hasOwn(schema.properties, key);
}

type Validator = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

/**
 * Every problem in a config at once: the JSON Schema (precompiled, so nothing is compiled at run
 * time), then the semantic rules for each alias that matches the schema.
 */
export function configProblems(config: unknown): ConfigProblem[] {
  const validator = validateSchema as Validator;
  const problems = validator(config) ? [] : schemaProblems(validator.errors ?? []);
  if (config === null || typeof config !== "object" || Array.isArray(config)) return problems;
  const broken = new Set(problems.map((p) => p.segments?.[0]));
  for (const [alias, aliasConfig] of Object.entries(config)) {
    if (!isAliasKey(alias) || broken.has(alias)) continue;
    problems.push(...aliasProblems(alias, aliasConfig as AliasConfig));
  }
  problems.push(...busProblems(config as Readonly<Record<string, AliasConfig>>, broken));
  return inDocumentOrder(problems, config);
}

/** A memcached alias's `bus` names the Redis alias whose pub/sub carries it. */
function busProblems(config: Readonly<Record<string, AliasConfig>>, broken: ReadonlySet<unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Alias configs that are not objects were reported by the schema (a null alias is not "broken": its problem has no alias segment of its own).
  const object = (value: unknown): value is AliasConfig => value !== null && typeof value === "object";
  for (const [alias, aliasConfig] of Object.entries(config)) {
    const bus: unknown = object(aliasConfig) ? aliasConfig.bus : undefined;
    if (!isAliasKey(alias) || broken.has(alias) || typeof bus !== "string") continue;
    const target = Object.hasOwn(config, bus) && isAliasKey(bus) ? config[bus] : undefined;
    if (object(target) && backendName(target.cache) === "redis") continue;
    problems.push({
      path: `${alias}.bus`,
      segments: [alias, "bus"],
      message: `${JSON.stringify(bus)} is ${target === undefined ? "no alias of this config" : "not a Redis alias"}; a memcached alias's bus names the Redis alias whose pub/sub it uses`,
    });
  }
  return problems;
}

/** Sorts problems by where their path appears in the config, so they read top to bottom. */
function inDocumentOrder(problems: ConfigProblem[], config: object): ConfigProblem[] {
  const position = (segments: readonly (string | number)[] = []) => {
    const indexes: number[] = [];
    let node: unknown = config;
    for (const segment of segments) {
      if (node === null || typeof node !== "object") break;
      const keys = Object.keys(node);
      indexes.push(keys.indexOf(String(segment)));
      node = (node as Record<string, unknown>)[segment];
    }
    return indexes;
  };
  const keyed = problems.map((problem) => ({ problem, at: position(problem.segments) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.at.length, b.at.length); i++) {
      if (a.at[i] !== b.at[i]) return a.at[i]! - b.at[i]!;
    }
    return a.at.length - b.at.length;
  });
  return keyed.map((k) => k.problem);
}

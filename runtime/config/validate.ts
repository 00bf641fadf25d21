import type { ConfigProblem } from "../errors.js";
import { aliasProblems } from "./check.js";
import { schemaProblems, type SchemaError } from "./problems.js";
import { validate as validateSchema } from "./schema-validator.generated.js";
import type { AliasConfig } from "./types.js";

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
    if (alias.startsWith("$") || broken.has(alias)) continue;
    problems.push(...aliasProblems(alias, aliasConfig as AliasConfig));
  }
  return problems;
}

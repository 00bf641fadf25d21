import { toMillis, type Duration } from "../duration.js";
import type { ConfigProblem } from "../errors.js";
import { KeyTemplate } from "../pipeline/key-template.js";
import { backendName, serializerName } from "./builtins.js";
import { parseEnvRef } from "./env.js";
import { formatPath, type Segments } from "./problems.js";
import type { AliasConfig } from "./types.js";

/**
 * Rules the JSON Schema cannot state clearly, for one alias that already matches the schema.
 * The generator adds the ones that need the file system or the TypeScript program.
 */
export function aliasProblems(alias: string, config: AliasConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report = (segments: Segments, message: string) =>
    problems.push({ path: formatPath([alias, ...segments]), segments: [alias, ...segments], message });

  const backend = backendName(config.cache);
  const serializer = config.serializer;
  if (
    serializer !== undefined &&
    serializerName(serializer.class) === "null" &&
    backend !== "memory" &&
    backend !== undefined
  ) {
    report(
      ["serializer", "class"],
      `the null serializer stores values by reference and only works with the memory backend; ${backend} stores bytes, use json, string, v8 or msgpack`,
    );
  }
  if (serializer?.schema !== undefined && serializer.type !== undefined) {
    report(["serializer"], "give either serializer.schema or serializer.type, not both");
  }
  if (serializer?.validate !== undefined && serializer.validate !== "none" && serializer.schema === undefined) {
    report(["serializer", "validate"], "validate needs serializer.schema: the validator is compiled from it");
  }
  if (config.sentinels !== undefined && config.sentinel_name === undefined) {
    report(["sentinels"], "sentinels need sentinel_name: the name of the master the sentinels monitor");
  }
  if (config.sentinel_name !== undefined && config.sentinels === undefined) {
    report(["sentinel_name"], "sentinel_name needs sentinels: the list of sentinel nodes to ask");
  }
  if (config.cluster !== undefined && config.sentinels !== undefined) {
    report(["cluster"], "use either cluster or sentinels, not both");
  }
  if (config.hash_tag === true && !config.namespace) {
    report(["hash_tag"], "hash_tag wraps the namespace in {…}; set a namespace to tag");
  }
  if (config.servers !== undefined && (config.endpoint !== undefined || config.port !== undefined)) {
    report(["servers"], "use either servers or endpoint/port, not both");
  }
  if (config.key !== undefined) {
    for (const problem of keyTemplateProblems(config.key)) report(["key"], problem);
  }
  policyProblems(config, report);
  return problems;
}

/** What is wrong with a key template as written: nothing, or each problem. */
function keyTemplateProblems(text: string): readonly string[] {
  if (parseEnvRef(text) !== undefined) {
    return ["a key template shapes the generated types, so it cannot be read from the environment; write it out"];
  }
  const parsed = KeyTemplate.parse(text);
  return parsed instanceof KeyTemplate ? [] : parsed.problems.map((p) => `key template ${JSON.stringify(text)}: ${p}`);
}

/** The fail-safe policies' rules: what a field needs beside it, and timeouts in order. */
function policyProblems(config: AliasConfig, report: (segments: Segments, message: string) => void): void {
  if (config.grace_backoff !== undefined && literalMs(config.grace) === 0) {
    report(
      ["grace_backoff"],
      "grace_backoff needs grace: it is how long a stale value is served after a failed refresh",
    );
  }
  const soft = literalMs(config.loader_soft_timeout);
  const hard = literalMs(config.loader_hard_timeout);
  if (soft !== undefined && hard !== undefined && hard > 0 && hard <= soft) {
    report(
      ["loader_hard_timeout"],
      "loader_hard_timeout must be above loader_soft_timeout: the soft timeout answers with a stale value first, the hard one gives up later",
    );
  }
}

/** A duration field's ms when it is written as a literal (0 when absent or none); `undefined` for an env reference. */
function literalMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  if (typeof value === "string" && parseEnvRef(value) !== undefined) return undefined;
  return toMillis(value as Duration) ?? 0;
}

import { resolve } from "node:path";
import { configProblems } from "cachegen/internal";
import { aliasModels, type AliasModel } from "../config/model.js";
import { findConfig } from "../config/find.js";
import { parseConfig, type ConfigSource, type ParsedConfig } from "../config/parse.js";
import { shownPath } from "../paths.js";
import type { Problem } from "../problems.js";
import { clusterHashTags } from "./checks/cluster.js";
import { memcachedKeys } from "./checks/memcached-limits.js";
import { overlappingNamespaces } from "./checks/overlap.js";
import { unnamespacedSharedStores } from "./checks/unnamespaced.js";
import { FINDING_CODES, type Finding, type PendingFinding } from "./finding.js";
import { keyspaceAliases, type KeyspaceAlias } from "./keyspace.js";

/** One keyspace check: it reads every alias's keyspace facts and reports what it finds. */
export type Check = (aliases: readonly KeyspaceAlias[]) => PendingFinding[];

/** Every check the doctor runs: `cachegen doctor`, and `generate` as warnings. */
export const CHECKS: readonly Check[] = [
  overlappingNamespaces,
  unnamespacedSharedStores,
  clusterHashTags,
  memcachedKeys,
];

/** The findings of every check on valid, normalized aliases, not yet located. */
export function diagnose(models: readonly AliasModel[]): PendingFinding[] {
  const aliases = keyspaceAliases(models);
  return CHECKS.flatMap((check) => check(aliases));
}

/** Locates findings in the config's source, as warnings or (strict) errors, top to bottom. */
export function locateFindings(
  parsed: Pick<ParsedConfig, "locate">,
  pending: readonly PendingFinding[],
  strict = false,
): Finding[] {
  const codes = Object.keys(FINDING_CODES);
  return pending
    .map(({ segments, code, message, hint }): Finding => {
      const { file, line, column, path } = parsed.locate({ segments, message });
      return { file, line, column, path, code, severity: strict ? "error" : "warning", message, hint };
    })
    .sort((a, b) => a.line - b.line || a.column - b.column || codes.indexOf(a.code) - codes.indexOf(b.code));
}

/** The findings of a config `generateSource` accepted; its source is parsed again only to locate them. */
export function keyspaceFindings(models: readonly AliasModel[], source: ConfigSource, strict = false): Finding[] {
  const pending = diagnose(models);
  return pending.length === 0 ? [] : locateFindings(parseConfig(source), pending, strict);
}

/** Options of {@link doctor}. */
export interface DoctorOptions {
  /** The config file; default: discovered from `cwd`. */
  readonly config?: string;
  /** Where discovery starts and paths are shown from. @default process.cwd() */
  readonly cwd?: string;
  /** Report findings as errors. */
  readonly strict?: boolean;
}

/** What the doctor found: the `--json` shape of `cachegen doctor`. */
export interface DoctorResult {
  /** `invalid` when the config has problems (the checks need a valid one). */
  readonly status: "clean" | "findings" | "invalid";
  readonly config: string;
  readonly aliases: number;
  readonly problems: readonly Problem[];
  readonly findings: readonly Finding[];
}

/**
 * Finds, parses and validates the config (its schema and alias rules; the files it references are
 * `validate`'s business), then runs every check. I/O failures throw.
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorResult> {
  const cwd = options.cwd ?? process.cwd();
  const found = await findConfig(cwd, options.config === undefined ? undefined : resolve(cwd, options.config));
  const config = shownPath(cwd, found.path);
  const parsed = parseConfig({ ...found, name: config });
  const problems =
    parsed.problems.length > 0
      ? parsed.problems
      : configProblems(parsed.data).map((p) => parsed.locate({ segments: p.segments ?? [], message: p.message }));
  if (problems.length > 0) return { status: "invalid", config, aliases: 0, problems, findings: [] };
  const models = aliasModels(parsed.data as Record<string, unknown>);
  const findings = locateFindings(parsed, diagnose(models), options.strict);
  return { status: findings.length > 0 ? "findings" : "clean", config, aliases: models.length, problems, findings };
}

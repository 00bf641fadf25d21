// The programmatic generator API (`@cachegen/cli`).
export { generate } from "./generate.js";
export type { GenerateOptions, GenerateResult } from "./generate.js";
export { generateSource } from "./source.js";
export type { SourceInput, SourceResult } from "./source.js";
export type { ConfigSource } from "./config/parse.js";
export { findConfig, CONFIG_NAMES, ConfigNotFoundError } from "./config/find.js";
export { doctor } from "./doctor/doctor.js";
export type { DoctorOptions, DoctorResult } from "./doctor/doctor.js";
export { formatFinding, FINDING_CODES } from "./doctor/finding.js";
export type { Finding, FindingCode } from "./doctor/finding.js";
export { formatProblem } from "./problems.js";
export type { Problem } from "./problems.js";
export { semanticChanges } from "./check/summary.js";
export { formatChange } from "./check/change.js";
export type { SemanticChange } from "./check/change.js";
export { unifiedDiff } from "./check/diff.js";
export { main } from "./cli.js";
export { configProblems } from "cachegen/internal";

import { type Segments } from "cachegen/internal";
import type { Problem } from "../problems.js";

/** Every finding the doctor reports, by stable code, with what it means (README lists the same). */
export const FINDING_CODES = {
  "overlapping-namespaces":
    "two aliases on one store, one's key prefix starting the other's: the keys of one include the other's",
  "namespace-serializer-conflict":
    "two aliases on one store with the same key prefix and different serializers: neither reads the other's entries",
  "unnamespaced-shared-store": "an alias without namespace on a store another alias uses: its clear() flushes them too",
  "cluster-without-hash-tag": "a Redis Cluster alias without hash_tag: multi-key operations split by slot",
  "memcached-key-too-long": "keys (namespace, template) that exceed memcached's 250-byte limit",
  "memcached-key-invalid": "keys (namespace, template) with whitespace or control characters, which memcached refuses",
} as const;

/** A finding's stable code. */
export type FindingCode = keyof typeof FINDING_CODES;

/** `warning` by default; `error` under `--strict`, where findings fail `generate`. */
export type Severity = "warning" | "error";

/** One doctor finding, located in the alias's block: the `--json` shape. */
export interface Finding extends Problem {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** How to fix it. */
  readonly hint: string;
}

/** A finding before it is located: where in the config (segments), what, and how to fix it. */
export interface PendingFinding {
  readonly segments: Segments;
  readonly code: FindingCode;
  readonly message: string;
  readonly hint: string;
}

/** Styles text for a terminal; the default leaves it plain. */
export type Paint = (style: "dim" | "red" | "yellow", text: string) => string;

/** `file:line:col  path  severity code: message` (the problems' format), then the hint on an indented line. */
export function formatFinding(finding: Finding, paint: Paint = (_style, text) => text): string {
  const at = paint("dim", `${finding.file}:${finding.line}:${finding.column}`);
  const label = paint(finding.severity === "error" ? "red" : "yellow", `${finding.severity} ${finding.code}`);
  return `${at}  ${finding.path}  ${label}: ${finding.message}\n${paint("dim", `  hint: ${finding.hint}`)}`;
}

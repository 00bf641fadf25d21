import { type Segments } from "cachegen/internal";

/** One config problem, located in its source file. */
export interface Problem {
  /** The config file, as the user named it. */
  readonly file: string;
  /** 1-based line and column of the offending key or value. */
  readonly line: number;
  readonly column: number;
  /** Path in the config, e.g. `redis_alt.port`; empty for file-level problems. */
  readonly path: string;
  readonly message: string;
}

/** A problem found before it is located: where in the config (segments) and what is wrong. */
export interface PendingProblem {
  readonly segments: Segments;
  readonly message: string;
}

/** `file:line:col  path  message`, the one format the CLI prints and tests assert. */
export function formatProblem(problem: Problem): string {
  const at = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.path ? `${at}  ${problem.path}  ${problem.message}` : `${at}  ${problem.message}`;
}

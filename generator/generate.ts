import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { unifiedDiff } from "./check/diff.js";
import type { SemanticChange } from "./check/change.js";
import { findConfig } from "./config/find.js";
import { keyspaceFindings } from "./doctor/doctor.js";
import type { Finding } from "./doctor/finding.js";
import { GENERATED_MARK } from "./emit/banner.js";
import { shownPath as shown } from "./paths.js";
import type { Problem } from "./problems.js";
import { generateSource } from "./source.js";
import { inProcess, type Toolchain } from "./toolchain/toolchain.js";

/** Options of {@link generate}, the CLI's `generate` / `validate` without the printing. */
export interface GenerateOptions {
  /** The config file; default: discovered from `cwd`. */
  readonly config?: string;
  /** The output file; default: `$out` of the config, else `caches.ts` beside it. */
  readonly out?: string;
  /** Compare with the file on disk and write nothing. */
  readonly check?: boolean;
  /** Validate only: nothing is compared or written. */
  readonly validateOnly?: boolean;
  /** Keyspace findings are errors: the config counts as invalid and nothing is written. */
  readonly strict?: boolean;
  /** Where discovery starts and relative paths are shown from. @default process.cwd() */
  readonly cwd?: string;
  /** Where json-schema-to-typescript and prettier run; default: in this thread. */
  readonly toolchain?: Toolchain;
}

/** What one generation did. Paths are as shown to the user (relative to `cwd` when inside it). */
export type GenerateResult =
  | {
      readonly status: "invalid";
      readonly config: string;
      readonly problems: readonly Problem[];
      /** Under `strict`, the keyspace findings that made it invalid. */
      readonly findings: readonly Finding[];
      /** Files the config references, for `--watch`. */
      readonly files: readonly string[];
    }
  | {
      /** `written`/`unchanged` for a write, `current`/`drift` for `--check`, `valid` for validate. */
      readonly status: "written" | "unchanged" | "current" | "drift" | "valid";
      readonly config: string;
      readonly out: string;
      readonly aliases: number;
      readonly ms: number;
      readonly files: readonly string[];
      /** The keyspace doctor's findings (`cachegen doctor`), as warnings. */
      readonly findings: readonly Finding[];
      /** On drift: the unified diff from the file on disk to what would be written. */
      readonly diff?: string;
      readonly changes?: readonly SemanticChange[];
    };

/**
 * Finds, validates and generates; then writes atomically (temporary file, rename) unless the bytes
 * on disk are already the same, or with `check` compares instead of writing. I/O failures throw.
 */
export async function generate(options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const cwd = options.cwd ?? process.cwd();
  const found = await findConfig(cwd, options.config === undefined ? undefined : resolve(cwd, options.config));
  const configPath = shown(cwd, found.path);
  const out = options.out === undefined ? undefined : resolve(cwd, options.out);
  const toolchain = options.toolchain ?? inProcess;
  // Resolved from the output, or from the config's directory, where a project's .prettierrc applies;
  // awaited only when the file is formatted, and ignored if the config is invalid.
  const prettier = toolchain.prettierOptions(out ?? found.path);
  prettier.catch(() => {});
  const result = await generateSource({ source: { ...found, name: configPath }, out, prettier, toolchain });
  if (!result.ok)
    return { status: "invalid", config: configPath, problems: result.problems, findings: [], files: result.files };
  const findings = keyspaceFindings(result.models, { ...found, name: configPath }, options.strict);
  if (options.strict && findings.length > 0)
    return { status: "invalid", config: configPath, problems: [], findings, files: result.files };

  const base = {
    config: configPath,
    out: shown(cwd, result.out),
    aliases: result.models.length,
    files: result.files,
    findings,
  };
  const ms = () => Math.round(performance.now() - started);
  if (options.validateOnly) return { status: "valid", ...base, ms: ms() };
  const files = await Promise.all(
    result.outputs.map(async (file) => ({
      ...file,
      current: await readGenerated(file.path, file.text === undefined, shown(cwd, file.path)),
    })),
  );
  const changed = files.filter((file) => file.current !== file.text);
  if (options.check) {
    if (changed.length === 0) return { status: "current", ...base, ms: ms() };
    const diff = changed
      .map(({ path, current, text }) =>
        unifiedDiff(current ?? "", text ?? "", [
          current === undefined ? "/dev/null" : shown(cwd, path),
          text === undefined ? "/dev/null" : shown(cwd, path),
        ]),
      )
      .join("");
    const main = files[0]!;
    const { semanticChanges } = await import("./check/summary.js");
    return { status: "drift", ...base, ms: ms(), diff, changes: semanticChanges(main.current ?? "", result.text) };
  }
  if (changed.length === 0) return { status: "unchanged", ...base, ms: ms() };
  // The typed module last: until it is written, it imports nothing the others lack.
  for (const { path, text } of changed.reverse()) {
    if (text === undefined) await rm(path);
    else await writeAtomically(path, text, shown(cwd, path));
  }
  return { status: "written", ...base, ms: ms() };
}

/**
 * A generated file's text on disk, `undefined` when missing. With `generatedOnly` (a file this
 * config no longer generates, to remove), a file cachegen did not write counts as missing: it is
 * the user's, and stays.
 */
async function readGenerated(path: string, generatedOnly: boolean, shownAs: string): Promise<string | undefined> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(shownAs, "read", error);
  });
  return generatedOnly && !text?.startsWith(GENERATED_MARK) ? undefined : text;
}

let temporaries = 0;

/**
 * Writes through a temporary file in the same directory, then renames it over `file` (atomic on one
 * file system). The temporary name is short, so it fits wherever `file`'s name does, and a failure
 * at any step is reported against `shownAs`, the file the user asked for, never the temporary one.
 */
async function writeAtomically(file: string, text: string, shownAs: string): Promise<void> {
  const temporary = join(dirname(file), `.cachegen-${process.pid}-${++temporaries}.tmp`);
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (cause) {
    await rm(temporary, { force: true });
    throw ioError(shownAs, "written", cause);
  }
}

/** `caches.ts cannot be written: EACCES: permission denied`, whichever path the system call got. */
function ioError(file: string, what: "read" | "written", cause: unknown): Error {
  // Node's message ends with the system call and its path (for a write, the temporary file's).
  const reason = (cause as Error).message.split(", ")[0];
  return new Error(`${file} cannot be ${what}: ${reason}`, { cause });
}

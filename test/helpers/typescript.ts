import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);

/** The `tsc` of an installed TypeScript package (7.x exports no `bin/tsc` subpath, so it is read off its package.json). */
function tscOf(pkg: string): string {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: { tsc: string } };
  return join(dirname(manifest), bin.tsc);
}

/** The TypeScript matrix: the oldest supported compiler, the repo's own, and the newest (package.json's aliases). */
export const COMPILERS = {
  "5.8": tscOf("typescript-5.8"),
  "5.9": tscOf("typescript"),
  "7.x": tscOf("typescript-7"),
} as const;

/** Runs one compiler in `cwd`; resolves to its output, whether or not it found errors. */
export async function tsc(bin: string, args: readonly string[], cwd = ROOT): Promise<string> {
  const run = promisify(execFile)(process.execPath, [bin, ...args, "--pretty", "false"], { cwd, maxBuffer: 1 << 26 });
  return run.then(
    ({ stdout }) => stdout,
    (error: unknown) => (error as { stdout?: string }).stdout ?? String(error),
  );
}

import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What {@link packedProject} built: the fresh project and the tarballs installed into it. */
export interface Packed {
  readonly project: string;
  /** One `npm pack` tarball per published package of this repository. */
  readonly tarballs: readonly string[];
}

/**
 * A fresh npm project with this repository's packages installed from their `npm pack` tarballs, as
 * a user gets them. Built once per test run, on first request, whichever worker asks first; the
 * others wait for it.
 */
export async function packed(): Promise<Packed> {
  const base = inject("runDir");
  const project = join(base, "project");
  const done = join(base, "packed.json");
  try {
    mkdirSync(join(base, "packed.lock"));
  } catch {
    for (let waited = 0; !existsSync(done); waited += 200) {
      if (waited > 180_000) throw new Error("timed out waiting for another worker to pack the package");
      await sleep(200);
    }
    return JSON.parse(readFileSync(done, "utf8")) as Packed;
  }
  const { stdout } = await run("npm", ["pack", "--pack-destination", base, "--json"], { cwd: ROOT });
  const tarballs = (JSON.parse(stdout) as { filename: string }[]).map((p) => join(base, p.filename));
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  await run("npm", ["install", ...tarballs, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
  const result: Packed = { project, tarballs };
  writeFileSync(done, JSON.stringify(result));
  return result;
}

/** The project folder of {@link packed}. */
export async function packedProject(): Promise<string> {
  return (await packed()).project;
}

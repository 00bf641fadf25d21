import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * A fresh npm project with this package installed from its `npm pack` tarball, as a user gets it.
 * Built once per test run, on first request, whichever worker asks first; the others wait for it.
 */
export async function packedProject(): Promise<string> {
  const base = inject("runDir");
  const project = join(base, "project");
  const done = join(base, "packed.done");
  try {
    mkdirSync(join(base, "packed.lock"));
  } catch {
    for (let waited = 0; !existsSync(done); waited += 200) {
      if (waited > 180_000) throw new Error("timed out waiting for another worker to pack the package");
      await sleep(200);
    }
    return project;
  }
  const { stdout } = await run("npm", ["pack", "--pack-destination", base, "--json"], { cwd: ROOT });
  const tarball = join(base, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
  writeFileSync(done, tarball);
  return project;
}

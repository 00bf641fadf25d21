import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What {@link packed} built: the fresh projects and the tarballs installed into them. */
export interface Packed {
  /** A project with both packages installed, as a user who generates gets them. */
  readonly project: string;
  /** A project with only the runtime (`cachegen`) installed, as a service that ships caches.ts gets it. */
  readonly runtimeProject: string;
  /** One `npm pack` tarball per published package of this repository, the runtime's first. */
  readonly tarballs: readonly string[];
}

/**
 * Fresh npm projects with this repository's packages installed from their `npm pack` tarballs, the
 * way a user installs them. Built once per test run, on first request, whichever worker asks first;
 * the others wait for it.
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
  const { stdout } = await run(
    "npm",
    ["pack", "--workspace", "runtime", "--workspace", "generator", "--pack-destination", base, "--json"],
    { cwd: ROOT },
  );
  const tarballs = (JSON.parse(stdout) as { name: string; filename: string }[])
    .sort((a, b) => Number(a.name !== "cachegen") - Number(b.name !== "cachegen"))
    .map((p) => join(base, p.filename));
  const runtimeProject = join(base, "runtime-project");
  // Both tarballs in one command: @cachegen/cli depends on this very cachegen, which no registry has.
  await install(project, tarballs);
  await install(runtimeProject, tarballs.slice(0, 1));
  const result: Packed = { project, runtimeProject, tarballs };
  writeFileSync(done, JSON.stringify(result));
  return result;
}

async function install(project: string, tarballs: readonly string[]): Promise<void> {
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "user-project", private: true, type: "module" }));
  await run("npm", ["install", ...tarballs, "--prefer-offline", "--no-audit", "--no-fund"], { cwd: project });
}

/** The project folder of {@link packed} with both packages. */
export async function packedProject(): Promise<string> {
  return (await packed()).project;
}

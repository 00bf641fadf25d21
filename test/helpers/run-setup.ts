import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** A temp directory for this test run, shared by all workers and removed afterwards. */
    runDir: string;
  }
}

/** vitest globalSetup: one scratch directory per run (e.g. for the packed package). */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), "cachegen-run-"));
  project.provide("runDir", dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

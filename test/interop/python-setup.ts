import type { TestProject } from "vitest/node";
import { pythonProblem } from "./python.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Why the aiocache peer cannot run (outside CI only); `""` when it can. */
    pythonUnavailable: string;
  }
}

/** vitest globalSetup: checks once that Debian's Python can run aiocache. Under CI, a failure fails the run. */
export default function setup(project: TestProject): void {
  const problem = pythonProblem();
  if (problem !== "" && process.env["CI"] === "true")
    throw new Error(`The Python interop tests cannot run under CI: ${problem}. .ci/run installs them.`);
  if (problem !== "") console.warn(`[cachegen tests] Python interop tests skipped: ${problem}`);
  project.provide("pythonUnavailable", problem);
}

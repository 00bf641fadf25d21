import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { generateSource } from "../../generator/source.js";
import { formatProblem } from "../../generator/problems.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures", import.meta.url));
const cases = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const valid = cases.filter((c) => !c.startsWith("invalid-") && !c.startsWith("doctor-"));
const invalid = cases.filter((c) => c.startsWith("invalid-"));

/** Generates a fixture's config exactly as the CLI would from inside its folder. */
async function generateFixture(name: string) {
  const dir = join(FIXTURES, name);
  const file = readdirSync(dir).find((f) => f.startsWith("cachegen.config."));
  if (file === undefined) throw new Error(`fixture ${name} has no cachegen.config.*`);
  const path = join(dir, file);
  return generateSource({ source: { path, name: file, text: readFileSync(path, "utf8") } });
}

describe("golden fixtures", () => {
  it("covers every case the generator promises", () => {
    expect(valid).toEqual(["backends", "env", "schema-ref", "seed", "type-ref", "user-module", "yaml"]);
  });

  it.each(valid)("%s generates its committed caches.ts", async (name) => {
    const result = await generateFixture(name);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    await expect(result.text).toMatchFileSnapshot(join(FIXTURES, name, "caches.ts"));
  });

  it("the demo's committed examples/basic/caches.ts is current", async () => {
    const path = fileURLToPath(new URL("../../examples/basic/cachegen.config.yaml", import.meta.url));
    const result = await generateSource({ source: { path, text: readFileSync(path, "utf8") } });
    expect(result.ok && result.text).toBe(readFileSync(join(path, "..", "caches.ts"), "utf8"));
  });

  it("every golden and example type-checks against the runtime (fixtures/tsconfig.json)", async () => {
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    const run = promisify(execFile)(process.execPath, [tsc, "-p", join(FIXTURES, "tsconfig.json")]);
    await expect(
      run.catch((error: unknown) => Promise.reject(new Error((error as { stdout: string }).stdout))),
    ).resolves.toBeDefined();
  }, 60_000);
});

describe("invalid fixtures", () => {
  it.each(invalid)("%s reports every problem with file:line:col, path and message", async (name) => {
    const result = await generateFixture(name);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    await expect(`${lines.join("\n")}\n`).toMatchFileSnapshot(join(FIXTURES, name, "expected.txt"));
  });
});

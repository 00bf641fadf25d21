import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../generator/cli.js";
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
    expect(valid).toEqual([
      "backends",
      "bad-value",
      "env",
      "key-template",
      "key-version",
      "production",
      "schema-ref",
      "seed",
      "type-ref",
      "user-module",
      "yaml",
    ]);
  });

  it.each(valid)("%s generates its committed caches.ts, and validators module when it has one", async (name) => {
    const result = await generateFixture(name);
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    for (const { path, text } of result.outputs) {
      if (text === undefined) expect(existsSync(path), `${path} is not generated`).toBe(false);
      else await expect(text).toMatchFileSnapshot(path);
    }
  });

  it("the demo's committed examples/basic/caches.ts and validators module are current", async () => {
    const path = fileURLToPath(new URL("../../examples/basic/cachegen.config.yaml", import.meta.url));
    const result = await generateSource({ source: { path, text: readFileSync(path, "utf8") } });
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join("\n"));
    for (const { path: file, text } of result.outputs) {
      expect(existsSync(file) ? readFileSync(file, "utf8") : undefined, file).toBe(text);
    }
  });
});

describe("invalid fixtures", () => {
  it.each(invalid)("%s reports every problem with file:line:col, path and message", async (name) => {
    const result = await generateFixture(name);
    expect(result.ok).toBe(false);
    const lines = result.ok ? [] : result.problems.map(formatProblem);
    await expect(`${lines.join("\n")}\n`).toMatchFileSnapshot(join(FIXTURES, name, "expected.txt"));
  });

  it.each(invalid)("%s: cachegen validate exits 2 (invalid config), never 3 (I/O)", async (name) => {
    const config = readdirSync(join(FIXTURES, name)).find((f) => f.startsWith("cachegen.config."))!;
    const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
    const code = await main(["validate", "--config", config], {
      stdout: quiet,
      stderr: quiet,
      cwd: join(FIXTURES, name),
    });
    expect(code).toBe(2);
  });
});

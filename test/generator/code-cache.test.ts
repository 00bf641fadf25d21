import { execFile } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { packedProject } from "../helpers/packed-project.js";

/** Loads ts-morph the way the CLI does on Node 20 and prints what it makes of a line of code. */
const SCRIPT = `
import { createRequire } from "node:module";
import { join } from "node:path";
const { enableTsMorphCodeCache, preloadTsMorph } = await import(join(process.cwd(), "node_modules/@cachegen/cli/dist/code-cache.js"));
enableTsMorphCodeCache();
preloadTsMorph();
const { Project } = createRequire(join(process.cwd(), "package.json"))("ts-morph");
const file = new Project({ useInMemoryFileSystem: true }).createSourceFile("a.ts", "export const answer: number = 42;");
console.log(file.getVariableDeclarationOrThrow("answer").getType().getText());
`;

describe("the code cache for ts-morph (Node without module.enableCompileCache)", () => {
  let project: string;
  let cacheDir: string;
  const load = () =>
    promisify(execFile)(process.execPath, ["load-ts-morph.mjs"], { cwd: project }).then(({ stdout }) => stdout);
  const cacheFiles = () =>
    readdirSync(cacheDir)
      .filter((f) => f.endsWith(".bin"))
      .map((f) => ({
        file: join(cacheDir, f),
        mtime: statSync(join(cacheDir, f)).mtimeMs,
        size: statSync(join(cacheDir, f)).size,
      }));

  beforeAll(async () => {
    project = await packedProject();
    cacheDir = join(project, "node_modules", ".cache", "cachegen");
    writeFileSync(join(project, "load-ts-morph.mjs"), SCRIPT);
  }, 180_000);

  it("keeps the compiled code of TypeScript, @ts-morph/common and ts-morph in node_modules/.cache/cachegen", async () => {
    expect(await load()).toBe("number\n");
    expect(cacheFiles()).toHaveLength(3);
    expect(cacheFiles().every((f) => f.size > 100_000)).toBe(true);
  });

  it("loads from a valid cache without rewriting it, and replaces a corrupt one", async () => {
    expect(await load()).toBe("number\n");
    const before = cacheFiles();
    expect(await load()).toBe("number\n");
    expect(cacheFiles().map((f) => f.mtime)).toEqual(before.map((f) => f.mtime));

    const corrupt = before[0]!.file;
    writeFileSync(corrupt, "not V8 code");
    expect(await load()).toBe("number\n");
    expect(statSync(corrupt).size).toBeGreaterThan(100_000);
  });
});

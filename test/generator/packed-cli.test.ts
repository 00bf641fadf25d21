import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { packedProject } from "../helpers/packed-project.js";

const SEED = readFileSync(new URL("../../fixtures/seed/cachegen.config.json", import.meta.url), "utf8");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

describe("the cachegen bin of the packed package, in a fresh project", () => {
  let project: string;
  let bin: string;

  /**
   * A folder holding `files` that sees the installed package through a linked node_modules, kept
   * outside the shared project so other tests' `tsc -p` there never sees these files.
   */
  const folder = (name: string, files: Record<string, string>) => {
    const dir = join(project, "..", "cachegen-cli", name);
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, "..", "node_modules"))) {
      symlinkSync(join(project, "node_modules"), join(dir, "..", "node_modules"), "dir");
      writeFileSync(
        join(dir, "..", "package.json"),
        JSON.stringify({ name: "cli-tests", private: true, type: "module" }),
      );
    }
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return dir;
  };
  const cachegen = (cwd: string, args: string[]) =>
    promisify(execFile)(bin, args, { cwd }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => {
        const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
        return { code, stdout, stderr };
      },
    );

  beforeAll(async () => {
    project = await packedProject();
    bin = join(project, "node_modules", ".bin", "cachegen");
  }, 180_000);

  it("generates a caches.ts that type-checks against the installed package, and --check says 0 then 1", async () => {
    const dir = folder("seed", {
      "cachegen.config.json": SEED,
      "use.ts": [
        'import { caches } from "./caches.js";',
        'const hits: number = caches.get("redis_alt").plugins[0].stats.hits;',
        'const port: 6379 = caches.getAliasConfig("redis_alt").port;',
        'await caches.get("default").set("k", "v");',
        "export { hits, port };",
      ].join("\n"),
      "tsconfig.json": JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          noEmit: true,
          skipLibCheck: true,
        },
        files: ["use.ts"],
      }),
    });
    const generated = await cachegen(dir, ["generate"]);
    expect([generated.code, generated.stdout]).toEqual([
      0,
      expect.stringMatching(/^wrote caches\.ts \(2 aliases\) in \d+ ms\n$/),
    ]);
    await expect(
      promisify(execFile)(process.execPath, [tsc, "-p", dir]).catch((e: unknown) =>
        Promise.reject(new Error((e as { stdout: string }).stdout)),
      ),
    ).resolves.toBeDefined();

    expect((await cachegen(dir, ["generate", "--check"])).code).toBe(0);
    writeFileSync(join(dir, "cachegen.config.json"), SEED.replace('"timeout": 1', '"timeout": 2'));
    const drift = await cachegen(dir, ["generate", "--check"]);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain("-    timeout: 1,\n+    timeout: 2,\n");
    expect(drift.stdout).toContain("redis_alt: timeout 1 → 2");
  });

  it("exits 3 for a missing config file and 2 with file:line:col for an invalid one", async () => {
    const dir = folder("broken", { "cachegen.config.yaml": "default:\n  cache: memory\n  max_sise: 10\n" });
    const missing = await cachegen(dir, ["generate", "--config", "nope.json"]);
    expect([missing.code, missing.stderr]).toEqual([3, expect.stringContaining("nope.json cannot be read")]);
    const invalid = await cachegen(dir, ["generate"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'cachegen.config.yaml:3:3  default.max_sise  unknown field "max_sise"; did you mean "max_size"?',
    );
    const json = await cachegen(dir, ["validate", "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      status: "invalid",
      problems: [{ line: 3, column: 3, path: "default.max_sise" }],
    });
  });

  it("--watch picks up an edit", async () => {
    const dir = folder("watch", { "cachegen.config.json": SEED });
    const child = spawn(bin, ["generate", "--watch"], { cwd: dir });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += String(chunk)));
    child.stderr.on("data", (chunk: Buffer) => (output += String(chunk)));
    const exited = new Promise<number | null>((done) => child.on("exit", done));
    const waitFor = async (pattern: RegExp) => {
      for (let waited = 0; !pattern.test(output); waited += 50) {
        if (waited > 60_000) throw new Error(`timed out waiting for ${pattern}; output:\n${output}`);
        await sleep(50);
      }
    };
    try {
      await waitFor(/wrote caches\.ts \(2 aliases\)/);
      writeFileSync(join(dir, "cachegen.config.json"), JSON.stringify({ only: { cache: "memory" } }));
      await waitFor(/wrote caches\.ts \(1 alias\)/);
      expect(readFileSync(join(dir, "caches.ts"), "utf8")).toContain('export type CacheAlias = "only";');
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});

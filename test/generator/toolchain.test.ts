import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { JSONSchema } from "json-schema-to-typescript";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { Regions } from "../../generator/emit/regions.js";
import { inProcess, startToolchain, type Toolchain } from "../../generator/toolchain/toolchain.js";
import { packedProject } from "../helpers/packed-project.js";

const SCHEMA: JSONSchema = {
  title: "Root",
  type: "object",
  properties: { id: { type: "string" } },
  required: ["id"],
  additionalProperties: false,
};

/** What every toolchain must do alike, wherever it runs. */
async function exercise(toolchain: Toolchain) {
  try {
    expect(await toolchain.compileSchema(structuredClone(SCHEMA), "Root")).toBe(
      await inProcess.compileSchema(structuredClone(SCHEMA), "Root"),
    );
    expect(await toolchain.format("const a = {b:1}", {})).toBe("const a = { b: 1 };\n");
    expect(await toolchain.format("const a = {b:1}", { semi: false })).toBe("const a = { b: 1 }\n");
    const broken = toolchain.format("const = ;", {});
    await expect(broken).rejects.toThrow(/Unexpected token/);
    await expect(broken).rejects.toMatchObject({ name: "SyntaxError" });
  } finally {
    await toolchain.close();
  }
}

describe("the toolchain (json-schema-to-typescript and prettier)", () => {
  it("works in process", () => exercise(inProcess));

  it("hands every call to the in-process toolchain when its worker fails", async () => {
    const crashing = join(inject("runDir"), "crashing-worker.mjs");
    writeFileSync(crashing, 'throw new Error("worker failed to start");\n');
    await exercise(startToolchain(crashing));
  });

  describe("in the worker of the packed package", () => {
    let start: typeof startToolchain;
    let project: string;
    beforeAll(async () => {
      project = await packedProject();
      ({ startToolchain: start } = (await import(
        join(project, "node_modules", "@cachegen", "cli", "dist", "toolchain", "toolchain.js")
      )) as { startToolchain: typeof startToolchain });
    }, 180_000);

    it("compiles, formats and reports errors as in process", async () => {
      const toolchain = start();
      expect(toolchain).not.toBe(inProcess);
      await exercise(toolchain);
    });

    it("runs in process what cannot cross threads: a prettier config holding plugin objects", async () => {
      const dir = join(inject("runDir"), "prettier-plugin-config");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "prettier.config.mjs"),
        "export default { semi: false, plugins: [{ name: 'inline', noop: () => 0 }] };\n",
      );
      const toolchain = start();
      try {
        const options = await toolchain.prettierOptions(join(dir, "caches.ts"));
        expect(options).toMatchObject({ semi: false, plugins: [{ name: "inline", noop: expect.any(Function) }] });
        expect(await toolchain.format("const a = {b:1}", options)).toBe("const a = { b: 1 }\n");
      } finally {
        await toolchain.close();
      }
    });

    it("generates in process where no worker may start (Node's permission model)", async () => {
      const dir = join(inject("runDir"), "no-workers");
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, "cachegen.config.json"),
        JSON.stringify({ a: { cache: "memory", serializer: { class: "json", schema: SCHEMA } } }),
      );
      const bin = join(project, "node_modules", "@cachegen", "cli", "dist", "bin.js");
      // Node 22.13+ calls the flag --permission; Node 20 knows only --experimental-permission.
      const permission = process.allowedNodeEnvironmentFlags.has("--permission")
        ? "--permission"
        : "--experimental-permission";
      const flags = [permission, "--allow-fs-read=*", "--allow-fs-write=*", "--no-warnings"];
      const { stdout } = await promisify(execFile)(process.execPath, [...flags, bin, "generate"], { cwd: dir });
      expect(stdout).toMatch(/^wrote caches\.ts \(1 alias\)/);
      expect(readFileSync(join(dir, "caches.ts"), "utf8")).toContain("export interface Root {");
    });

    it("runs calls made after close in process", async () => {
      const toolchain = start();
      await toolchain.close();
      expect(await toolchain.format("const a = {b:1}", {})).toBe("const a = { b: 1 };\n");
    });
  });
});

describe("Regions", () => {
  it("puts raw text back before formatting and final text, awaited, after", async () => {
    const regions = new Regions();
    const raw = regions.raw("const raw = {a:1};");
    const final = regions.final(Promise.resolve("// prettier-ignore\nconst kept = {a:1};"));
    const skeleton = `${raw}\n\n${final}\nconst tail = 1;\n`;
    const before = regions.beforeFormat(skeleton);
    expect(before).toBe(`const raw = {a:1};\n\n${final}\nconst tail = 1;\n`);
    const formatted = await inProcess.format(before, { semi: false });
    expect(await regions.afterFormat(formatted)).toBe(
      "const raw = { a: 1 }\n\n// prettier-ignore\nconst kept = {a:1};\nconst tail = 1\n",
    );
  });

  it("gives each file its own placeholder names, so no config text can contain them", () => {
    expect(new Regions().raw("x")).not.toBe(new Regions().raw("x"));
  });
});

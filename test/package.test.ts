import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { packed, packedProject } from "./helpers/packed-project.js";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

/** Packages only a backend or the generator may load; importing the runtime must not. */
const HEAVY = [
  "ioredis",
  "memjs",
  "ts-morph",
  "prettier",
  "json-schema-to-typescript",
  "msgpackr-extract",
  "@opentelemetry/api",
];

// Records every module URL Node resolves, from the loader-hooks thread.
const TRACE_HOOKS = `
import { appendFileSync } from "node:fs";
let file;
export function initialize(data) { file = data.file; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(file, result.url + "\\n");
  return result;
}`;

describe("the packed package, installed into a fresh project", () => {
  let project: string;
  const node = (script: string, args: string[] = []) =>
    run(process.execPath, [...args, "--input-type=module", "-e", script], { cwd: project });

  beforeAll(async () => {
    project = await packedProject();
  }, 180_000);

  it("ships built JS, declarations, the schema and the bin, and no sources or tests", async () => {
    const files = (await run("tar", ["tzf", (await packed()).tarballs[0]!])).stdout.split("\n");
    for (const file of [
      "dist/runtime/index.js",
      "dist/runtime/index.d.ts",
      "dist/generator/bin.js",
      "schema/cachegen.schema.json",
    ]) {
      expect(files).toContain(`package/${file}`);
    }
    expect(files.filter((f) => /^package\/(test|runtime|bench|fixtures)\//.test(f) || /\.test\./.test(f))).toEqual([]);
  });

  it("imports the runtime and runs the seed flow on memory", async () => {
    const { stdout } = await node(`
      import { caches, MemoryCache, StringSerializer } from "cachegen";
      caches.setConfig({ default: { cache: "aiocache.SimpleMemoryCache", serializer: { class: "aiocache.serializers.StringSerializer" } } });
      const cache = caches.get("default");
      await cache.set("greeting", "hello");
      console.log(JSON.stringify([cache === caches.get("default"), cache instanceof MemoryCache,
        cache.serializer instanceof StringSerializer, await cache.get("greeting")]));
    `);
    expect(JSON.parse(stdout)).toEqual([true, true, true, "hello"]);
  });

  it("loads none of the heavy libraries when the runtime is imported and used", async () => {
    const trace = join(project, "trace.txt");
    writeFileSync(trace, "");
    const register = `data:text/javascript,${encodeURIComponent(TRACE_HOOKS)}`;
    await node(`
      import { register } from "node:module";
      register(${JSON.stringify(register)}, { data: { file: ${JSON.stringify(trace)} } });
      const { caches } = await import("cachegen");
      caches.setConfig({ m: { cache: "memory", serializer: { class: "json" } } });
      await caches.get("m").set("k", { a: 1 });
    `);
    const loaded = readFileSync(trace, "utf8");
    expect(loaded).toContain("/node_modules/cachegen/dist/runtime/index.js");
    for (const name of HEAVY) expect(loaded, name).not.toContain(`/node_modules/${name}/`);
  });

  it("names the optional @opentelemetry/api when telemetry is turned on without it", async () => {
    const { stdout } = await node(`
      import { MemoryCache } from "cachegen";
      try {
        new MemoryCache({ telemetry: true });
        console.log("[]");
      } catch (error) {
        console.log(JSON.stringify([error.name, error.code, error.message]));
      }
    `);
    expect(JSON.parse(stdout)).toEqual([
      "MissingDependencyError",
      "E_MISSING_DEPENDENCY",
      'The OpenTelemetry integration (telemetry) needs the "@opentelemetry/api" package. Install it with: npm install @opentelemetry/api',
    ]);
  });

  it("exposes the generator API and the schema through package exports", async () => {
    const { stdout } = await node(`
      import * as generator from "cachegen/generator";
      import schema from "cachegen/schema.json" with { type: "json" };
      console.log(JSON.stringify([typeof generator, schema.title]));
    `);
    expect(JSON.parse(stdout)).toEqual(["object", "cachegen config"]);
  });

  it("runs the cachegen bin", async () => {
    const { stdout } = await run(join(project, "node_modules/.bin/cachegen"), ["--version"], { cwd: project });
    expect(stdout.trim()).toBe(version);
  });

  it("type-checks user code against the shipped declarations, and rejects a wrong value type", async () => {
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "NodeNext",
          target: "ES2023",
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
      }),
    );
    writeFileSync(
      join(project, "use.ts"),
      `import { MemoryCache, HitMissRatioPlugin, StringSerializer } from "cachegen";
       const cache = new MemoryCache({ ttl: "5m", serializer: new StringSerializer(), plugins: [new HitMissRatioPlugin()] as const });
       export const value: Promise<string | undefined> = cache.get("k");
       export const ratio: number = cache.plugins[0].stats.hitRatio;
       // @ts-expect-error a number is not a string
       void cache.set("k", 42);
      `,
    );
    await expect(run(process.execPath, [tsc, "-p", project], { cwd: project })).resolves.toBeDefined();
    writeFileSync(
      join(project, "use.ts"),
      `import { MemoryCache } from "cachegen";\nvoid new MemoryCache<string>().set("k", 42);\n`,
    );
    const failure = await run(process.execPath, [tsc, "-p", project], { cwd: project }).catch(
      (e: unknown) => e as { stdout: string },
    );
    expect(failure.stdout).toMatch(/use\.ts\(2,.*TS2345.*'number' is not assignable to parameter of type 'string'/);
  });
});

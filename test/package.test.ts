import { execFile } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { packed, packedProject } from "./helpers/packed-project.js";

const run = promisify(execFile);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const manifest = (path: string) =>
  JSON.parse(readFileSync(new URL(`../${path}/package.json`, import.meta.url), "utf8")) as {
    version: string;
    dependencies: Record<string, string>;
  };
const runtime = manifest("runtime");
const cli = manifest("generator");

/** What `du --apparent-size` counts: the bytes of every file under `dir`, symlinks not followed. */
function bytesUnder(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? bytesUnder(path) : lstatSync(path).size);
  }, 0);
}

/** The packages installed in a project, scoped ones as `@scope/name`. */
function installed(project: string): string[] {
  const modules = join(project, "node_modules");
  return readdirSync(modules)
    .filter((name) => !name.startsWith("."))
    .flatMap((name) => (name.startsWith("@") ? readdirSync(join(modules, name)).map((n) => `${name}/${n}`) : [name]))
    .sort();
}

/** The generator's toolchain, which a runtime-only install must not pull. */
const GENERATOR_ONLY = ["ts-morph", "typescript", "prettier", "json-schema-to-typescript", "yaml", "ajv", "diff"];

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

  it.each([
    ["cachegen", 0, ["dist/index.js", "dist/index.d.ts", "dist/internal.js", "schema/cachegen.schema.json"]],
    ["@cachegen/cli", 1, ["dist/bin.js", "dist/index.d.ts", "templates/caches.ts", "schema/cachegen.schema.json"]],
  ])("%s ships built JS, declarations and its assets, and no sources or tests", async (_, index, expected) => {
    const listing = await run("tar", ["tzf", (await packed()).tarballs[index]!]);
    const files = listing.stdout.trim().split("\n");
    for (const file of expected) expect(files).toContain(`package/${file}`);
    const shipped =
      /^package\/((dist\/.*\.(js|d\.ts))|schema\/.*\.json|templates\/caches\.ts|package\.json|README\.md|LICENSE)$/;
    expect(files.filter((f) => !shipped.test(f) || /\.test\./.test(f))).toEqual([]);
  });

  it("installs the runtime alone within 10 MB, without the generator's toolchain", async () => {
    const { runtimeProject } = await packed();
    const packages = installed(runtimeProject);
    expect(packages).toEqual(["cachegen", ...Object.keys(runtime.dependencies)].sort());
    for (const name of GENERATOR_ONLY) expect(packages).not.toContain(name);
    const bytes = bytesUnder(join(runtimeProject, "node_modules"));
    console.log(`runtime-only install: ${packages.length} packages, ${(bytes / 1e6).toFixed(2)} MB of node_modules`);
    expect(bytes).toBeLessThanOrEqual(10_000_000);
  });

  it("names the npm install command when an optional peer (ioredis, msgpackr) is missing", async () => {
    const { runtimeProject } = await packed();
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
        import { MsgPackSerializer, RedisCache } from "cachegen";
        const failure = async (attempt) => {
          try { await attempt(); return []; } catch (error) { return [error.name, error.code, error.message]; }
        };
        console.log(JSON.stringify([
          await failure(() => new MsgPackSerializer()),
          await failure(() => new RedisCache({ port: 1 }).get("k")),
        ]));
      `,
      ],
      { cwd: runtimeProject },
    );
    expect(JSON.parse(stdout)).toEqual([
      [
        "MissingDependencyError",
        "E_MISSING_DEPENDENCY",
        'The MessagePack serializer (MsgPackSerializer) needs the "msgpackr" package. Install it with: npm install msgpackr',
      ],
      [
        "MissingDependencyError",
        "E_MISSING_DEPENDENCY",
        'The Redis backend (RedisCache) needs the "ioredis" package. Install it with: npm install ioredis',
      ],
    ]);
  });

  it("pins the runtime it was built with, so the CLI validates configs as that runtime does", () => {
    expect(cli.dependencies["cachegen"]).toBe(runtime.version);
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
    expect(loaded).toContain("/node_modules/cachegen/dist/index.js");
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

  it("exposes the generator API from @cachegen/cli and the schema from both packages", async () => {
    const { stdout } = await node(`
      import { doctor, generate, generateSource } from "@cachegen/cli";
      import schema from "cachegen/schema.json" with { type: "json" };
      import cliSchema from "@cachegen/cli/schema.json" with { type: "json" };
      console.log(JSON.stringify([typeof generate, typeof generateSource, typeof doctor, schema.title, cliSchema.title]));
    `);
    expect(JSON.parse(stdout)).toEqual(["function", "function", "function", "cachegen config", "cachegen config"]);
  });

  it("runs the cachegen bin through npx", async () => {
    const npx = (args: string[]) => run("npx", ["--no-install", "cachegen", ...args], { cwd: project });
    expect((await npx(["--version"])).stdout.trim()).toBe(cli.version);
    expect((await npx(["--help"])).stdout).toMatch(/^Usage: cachegen <command> \[options\]\n/);
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

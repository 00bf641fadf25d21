/**
 * The generator's targets, each in cold processes as a user meets them:
 * - `cachegen generate` of 200 aliases, each with a small object schema (target <= 1 s), and of
 *   1000 such aliases (target <= 2.5x the 200-alias time), beside the same for 2 aliases;
 * - the type cost of the generated file, from `tsc --extendedDiagnostics`: code making the same 400
 *   calls against 200 aliases (each with a schema and `validate`) and against 2 aliases (target:
 *   check time <= 1.2x), what each validator adds (target: a few instantiations), and the wrappers.
 * Each round runs every contender once, in rotating order; medians and IQR over the rounds.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { quantile, report, rotate, target, type Comparison, type TableStyle } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "generator", "dist", "bin.js");
const require = createRequire(import.meta.url);
const TSC = require.resolve("typescript/bin/tsc");
const TSC_7 = ((manifest: string) =>
  join(dirname(manifest), (JSON.parse(readFileSync(manifest, "utf8")) as { bin: { tsc: string } }).bin.tsc))(
  require.resolve("typescript-7/package.json"),
);
const ROUNDS = 7;
/** Each operation is a cold process: tables show its time, not a rate. */
const COLD: TableStyle = { setup: `cold processes, ${ROUNDS} rounds after 1 warm-up`, timePerOp: true };
/** Calls in every type-cost project: `set` and `get` 200 times each, spread over its aliases. */
const CALLS = 400;

const alias = (i: number) => `alias_${String(i).padStart(4, "0")}`;

/** A config of `count` aliases, alternating memory and Redis, each with a small object schema. */
function config(count: number, validate: boolean): string {
  const aliases: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    aliases[alias(i)] = {
      cache: i % 2 === 0 ? "memory" : "redis",
      // A namespace each, as the keyspace doctor asks of aliases that share a Redis.
      namespace: `n${i}`,
      ttl: 60,
      serializer: {
        class: "json",
        ...(validate ? { validate: "set" } : {}),
        schema: {
          type: "object",
          required: ["id"],
          properties: {
            id: { type: "string" },
            count: { type: "integer" },
            tags: { type: "array", items: { type: "string" } },
          },
        },
      },
    };
  }
  return JSON.stringify(aliases, null, 2);
}

interface Project {
  readonly name: string;
  readonly dir: string;
}

/** What `use.ts` calls: `caches.get(a).set(...)` and `.get(...)`, or a wrapper, in one of its two forms. */
type Calls = "get" | "caches.cached" | "cached";

const WRAPPER_CALL = {
  "caches.cached": (a: string) => `caches.cached(LOAD, { alias: "${a}", ttl: 5 })`,
  cached: (a: string) => `cached(LOAD, { alias: "${a}", registry: caches, ttl: 5 })`,
};

/**
 * A project folder with the config, its generated files, and `use.ts`: {@link CALLS} calls spread
 * over the first `uses` aliases (half as many wrapper calls), checked against the published
 * declarations as a user's project would be.
 */
function project(
  base: string,
  name: string,
  count: number,
  options: { uses?: number; validate?: boolean; calls?: Calls } = {},
): Project {
  const { uses = count, validate = true, calls = "get" } = options;
  const dir = join(base, name.replaceAll(/\W+/g, "-"));
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "cachegen.config.json"), config(count, validate));
  execFileSync(process.execPath, [BIN, "generate"], { cwd: dir });
  const lines = Array.from({ length: CALLS / 2 }, (_, i) => {
    const a = alias(i % uses);
    if (calls === "get") {
      return `await caches.get("${a}").set("k", { id: "${i}" });\nexport const v${i} = (await caches.get("${a}").get("k"))?.id;`;
    }
    const load = `async function load${i}(id: string) { return { id }; }`;
    return `export const w${i} = ${WRAPPER_CALL[calls](a).replace("LOAD", load)};`;
  });
  const imports = [
    ...(calls === "cached" ? ['import { cached } from "cachegen";'] : []),
    'import { caches } from "./caches.js";',
  ];
  writeFileSync(join(dir, "use.ts"), [...imports, ...lines, ""].join("\n"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        noEmit: true,
        skipLibCheck: true,
        types: [],
        // What a user's project sees: the published declarations.
        paths: { cachegen: [join(ROOT, "runtime", "dist", "index.d.ts")] },
      },
      files: ["use.ts"],
    }),
  );
  return { name, dir };
}

function coldProcess(args: string[], cwd: string, before?: () => void) {
  return () => {
    before?.();
    execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
  };
}

/** One `tsc --extendedDiagnostics` run's figures. */
interface Diagnostics {
  readonly instantiations: number;
  readonly types: number;
  readonly checkSeconds: number;
}

function diagnostics(tsc: string, dir: string): Diagnostics {
  const out = execFileSync(process.execPath, [tsc, "-p", ".", "--extendedDiagnostics"], { cwd: dir, encoding: "utf8" });
  const figure = (label: string) => Number(new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(out)?.[1] ?? NaN);
  return { instantiations: figure("Instantiations"), types: figure("Types"), checkSeconds: figure("Check time") };
}

/**
 * The type cost of each project on one compiler: instantiations and types (deterministic) and the
 * checker's own time (median over rounds in rotating order, and its ratio to the first project's
 * in the same round), printed as a table. Returns each project's median check time and ratio.
 */
function typeCost(
  title: string,
  tsc: string,
  projects: readonly Project[],
): Map<string, Diagnostics & { ratio: number }> {
  const runs = new Map<string, Diagnostics[]>(projects.map((p) => [p.name, []]));
  const ratios = new Map<string, number[]>(projects.map((p) => [p.name, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    const measured = new Map(rotate(projects, round).map((p) => [p.name, diagnostics(tsc, p.dir)]));
    if (round === 0) continue;
    const base = measured.get(projects[0]!.name)!.checkSeconds;
    for (const [name, d] of measured) {
      runs.get(name)!.push(d);
      ratios.get(name)!.push(d.checkSeconds / base);
    }
  }
  const result = new Map<string, Diagnostics & { ratio: number }>();
  const rows = projects.map(({ name }) => {
    const times = runs.get(name)!.map((d) => d.checkSeconds);
    const median = quantile(times, 0.5);
    const spread = (quantile(times, 0.75) - quantile(times, 0.25)) / median;
    const { instantiations, types } = runs.get(name)![0]!;
    const ratio = quantile(ratios.get(name)!, 0.5);
    result.set(name, { instantiations, types, checkSeconds: median, ratio });
    return `| ${name} | ${instantiations.toLocaleString("en-US")} | ${types.toLocaleString("en-US")} | ${(median * 1000).toFixed(0)} ms | ±${(spread * 50).toFixed(1)}% | ${ratio.toFixed(2)}x |`;
  });
  console.log(
    [
      `**${title}** (tsc --extendedDiagnostics, ${ROUNDS} rounds after 1 warm-up, medians)`,
      "",
      `| project | instantiations | types | check time | spread (IQR) | vs ${projects[0]!.name} |`,
      "|---|---:|---:|---:|---:|---:|",
      ...rows,
      "",
    ].join("\n"),
  );
  return result;
}

/** Runs the generator benchmarks and prints their tables and targets. */
export async function benchGenerator(): Promise<void> {
  if (!existsSync(BIN)) throw new Error("bench/generator.ts runs the built CLI: run npm run build first");
  const base = mkdtempSync(join(tmpdir(), "cachegen-bench-"));
  try {
    const sizes = [2, 200, 1000].map((count) => project(base, `${count} aliases`, count, { validate: false }));
    const fresh = (dir: string) => () => rmSync(join(dir, "caches.ts"), { force: true });
    const generate: Comparison = {
      title: "cachegen generate (write caches.ts), aliases with schemas",
      baseline: "200 aliases",
      ops: 1,
      rounds: ROUNDS,
      warmup: 1,
      contenders: sizes.map(({ name, dir }) => ({ name, op: coldProcess([BIN, "generate"], dir, fresh(dir)) })),
    };
    const generated = await report(generate, COLD);
    target("generate, 200 aliases with schemas, cold process", 1 / generated[1]!.opsPerSec, 1, {
      unit: " s",
      atMost: true,
    });
    target("generate, 1000 aliases vs 200", 1 / generated[2]!.ratio, 2.5, { atMost: true });

    // Every alias has a schema and validates; the same 400 calls in each project but the third.
    const small = project(base, "2 aliases, 400 calls", 2);
    const large = project(base, "200 aliases, 400 calls", 200);
    const fewUses = project(base, "200 aliases, 2 of them used", 200, { uses: 2 });
    const unvalidated = project(base, "200 aliases without validate, 400 calls", 200, { validate: false });
    for (const [label, tsc] of [
      ["5.9", TSC],
      ["7.x", TSC_7],
    ] as const) {
      const cost = typeCost(`Type cost on TypeScript ${label}`, tsc, [small, large, fewUses, unvalidated]);
      const perValidator = (cost.get(large.name)!.instantiations - cost.get(unvalidated.name)!.instantiations) / 200;
      target(`TS ${label}: check time, 400 calls on 200 aliases vs on 2`, cost.get(large.name)!.ratio, 1.2, {
        atMost: true,
      });
      target(`TS ${label}: instantiations each validator adds`, perValidator, 5, { unit: "", atMost: true });
    }

    const wrapped = (["caches.cached", "cached"] as const).flatMap((calls) => [
      project(base, `${calls} x200 on 2 aliases`, 2, { calls }),
      project(base, `${calls} x200 on 200 aliases`, 200, { calls }),
    ]);
    typeCost("Type cost of the wrappers on TypeScript 5.9", TSC, wrapped);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

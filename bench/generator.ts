/**
 * The generator's two targets, each in cold processes as a user meets them:
 * - `cachegen generate` of 200 aliases, each with a small object schema (target <= 1 s), beside the
 *   same for 2 aliases;
 * - `tsc --noEmit` on code that uses every alias of the 200-alias file, against the same for the
 *   2-alias file (target <= 1.2x): the type cost of `caches.get(...)` must not grow with the config.
 * Each round runs every contender once, in rotating order; medians and IQR over the rounds.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { report, target, type Comparison, type TableStyle } from "./harness.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "dist", "generator", "bin.js");
const TSC = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const ROUNDS = 7;
/** Each operation is a cold process: tables show its time, not a rate. */
const COLD: TableStyle = { setup: `cold processes, ${ROUNDS} rounds after 1 warm-up`, timePerOp: true };

/** A config of `count` aliases, alternating memory and Redis, each with a small object schema. */
function config(count: number): string {
  const aliases: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    aliases[`alias_${String(i).padStart(3, "0")}`] = {
      cache: i % 2 === 0 ? "memory" : "redis",
      // A namespace each, as the keyspace doctor asks of aliases that share a Redis.
      namespace: `n${i}`,
      ttl: 60,
      serializer: {
        class: "json",
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

/** A project folder with the config, its generated caches.ts, and code that uses `uses` of its aliases. */
function project(base: string, count: number, uses = count): string {
  const dir = join(base, `aliases-${count}-uses-${uses}`);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(join(dir, "cachegen.config.json"), config(count));
  execFileSync(process.execPath, [BIN, "generate"], { cwd: dir });
  const calls = Array.from({ length: uses }, (_, i) => {
    const alias = `alias_${String(i).padStart(3, "0")}`;
    return `await caches.get("${alias}").set("k", { id: "${i}" });\nexport const v${i} = (await caches.get("${alias}").get("k"))?.id;`;
  });
  writeFileSync(join(dir, "use.ts"), `import { caches } from "./caches.js";\n${calls.join("\n")}\n`);
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
        paths: { cachegen: [join(ROOT, "dist", "runtime", "index.d.ts")] },
      },
      files: ["use.ts"],
    }),
  );
  return dir;
}

function coldProcess(args: string[], cwd: string, before?: () => void) {
  return () => {
    before?.();
    execFileSync(process.execPath, args, { cwd, stdio: "ignore" });
  };
}

/** Runs both generator benchmarks and prints their tables and targets. */
export async function benchGenerator(): Promise<void> {
  if (!existsSync(BIN)) throw new Error("bench/generator.ts runs the built CLI: run npm run build first");
  const base = mkdtempSync(join(tmpdir(), "cachegen-bench-"));
  try {
    const small = project(base, 2);
    const large = project(base, 200);
    const largeFewUses = project(base, 200, 2);
    const fresh = (dir: string) => () => rmSync(join(dir, "caches.ts"), { force: true });
    const generate: Comparison = {
      title: "cachegen generate (write caches.ts)",
      baseline: "2 aliases",
      ops: 1,
      rounds: ROUNDS,
      warmup: 1,
      contenders: [
        { name: "2 aliases", op: coldProcess([BIN, "generate"], small, fresh(small)) },
        { name: "200 aliases", op: coldProcess([BIN, "generate"], large, fresh(large)) },
      ],
    };
    const generated = await report(generate, COLD);

    const typecheck: Comparison = {
      title: "tsc --noEmit on code using every alias",
      baseline: "2 aliases",
      ops: 1,
      rounds: ROUNDS,
      warmup: 1,
      contenders: [
        { name: "2 aliases", op: coldProcess([TSC, "-p", "."], small) },
        { name: "200 aliases", op: coldProcess([TSC, "-p", "."], large) },
        // The same 200-alias file with only two calls: what the file costs, apart from the code using it.
        { name: "200 aliases, 2 used", op: coldProcess([TSC, "-p", "."], largeFewUses) },
      ],
    };
    const checked = await report(typecheck, COLD);

    const seconds = 1 / generated[1]!.opsPerSec;
    target("generate, 200 aliases with schemas, cold process", seconds, 1, { unit: " s", atMost: true });
    target("tsc on a file using 200 aliases vs 2", 1 / checked[1]!.ratio, 1.2, { atMost: true });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

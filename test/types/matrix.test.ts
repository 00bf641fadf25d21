/**
 * The TypeScript matrix: the oldest supported compiler (5.8), the repo's own (5.9) and the newest
 * (7.x) each check tsconfig.matrix.json, with every dependency's declarations checked too
 * (`skipLibCheck: false`): the goldens, the examples, every type test, README's typed examples and
 * the diagnostics of test/types/diagnostics. A line marked `// error: text` must have a diagnostic
 * containing that text (several marks: each one); any other diagnostic fails.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPILERS, tsc } from "../helpers/typescript.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DIAGNOSTICS = join(ROOT, "test", "types", "diagnostics");
/** Where README's checked examples are written (git-ignored), each beside nothing: imports are rewritten. */
const README_OUT = join(ROOT, "test", "types", "readme");

/** `file:line` → the full text of each diagnostic reported there (continuation lines included). */
function diagnosticsByLine(output: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of output.split("\n")) {
    const head = /^(.+?)\((\d+),\d+\): error (TS\d+: .*)$/.exec(line);
    if (head !== null) {
      const at = `${head[1]!}:${head[2]!}`;
      last = found.get(at) ?? [];
      found.set(at, last);
      last.push(head[3]!);
    } else if (line.startsWith(" ") && last !== undefined) {
      last.push(`${last.pop() ?? ""}\n${line.trim()}`);
    } else if (line.trim() !== "") {
      found.set(`(no file):${line}`, [line]);
      last = undefined;
    }
  }
  return found;
}

/** `file:line` → the texts its `// error: text` marks expect, for every file of `dir`. */
function expectedByLine(dir: string): Map<string, string[]> {
  const expected = new Map<string, string[]>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const file = relative(ROOT, join(dir, name));
    readFileSync(join(dir, name), "utf8")
      .split("\n")
      .forEach((line, i) => {
        const marks = line.split(" // error: ").slice(1);
        if (marks.length > 0)
          expected.set(
            `${file}:${i + 1}`,
            marks.map((mark) => mark.trim()),
          );
      });
  }
  return expected;
}

/** What differs between the diagnostics and the marks: each line says where and what. */
function mismatches(found: Map<string, string[]>, expected: Map<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [at, texts] of expected) {
    const actual = found.get(at) ?? [];
    for (const text of texts) {
      if (!actual.some((a) => a.includes(text)))
        problems.push(`${at}: expected "${text}", got ${JSON.stringify(actual)}`);
    }
  }
  for (const [at, actual] of found) if (!expected.has(at)) problems.push(`${at}: unexpected ${actual.join("\n")}`);
  return problems;
}

/**
 * README's typed examples: each ```ts block right after a `<!-- typecheck: <folder> -->` line,
 * written as a module whose relative imports point into that folder, so it compiles as written
 * against that folder's generated caches.ts.
 */
function writeReadmeExamples(): void {
  rmSync(README_OUT, { recursive: true, force: true });
  mkdirSync(README_OUT, { recursive: true });
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/^<!-- typecheck: (\S+) -->\n```ts\n([\s\S]*?)^```$/gm)];
  expect(blocks.length, "README's checked examples").toBeGreaterThan(0);
  for (const [i, [, folder, code]] of blocks.entries()) {
    const target = relative(README_OUT, join(ROOT, folder!)).replaceAll("\\", "/");
    writeFileSync(join(README_OUT, `example-${i + 1}.ts`), code!.replaceAll(/from "\.\//g, `from "${target}/`));
  }
}

describe("the TypeScript matrix (tsconfig.matrix.json, skipLibCheck off)", () => {
  beforeAll(writeReadmeExamples);

  it.each(Object.entries(COMPILERS))(
    "TypeScript %s checks the goldens, type tests and README examples, with the expected messages",
    async (_version, bin) => {
      const output = await tsc(bin, ["-p", "tsconfig.matrix.json"]);
      const expected = new Map([...expectedByLine(DIAGNOSTICS), ...expectedByLine(README_OUT)]);
      expect(mismatches(diagnosticsByLine(output), expected)).toEqual([]);
    },
    300_000,
  );
});

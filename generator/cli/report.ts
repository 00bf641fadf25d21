import { styleText } from "node:util";
import { formatChange } from "../check/change.js";
import type { GenerateResult } from "../generate.js";
import { formatFinding, type Finding } from "../doctor/finding.js";
import { formatProblem, type Problem } from "../problems.js";

/** The fixed exit codes; `findings` is `cachegen doctor`'s. */
export const EXIT = { ok: 0, drift: 1, findings: 1, invalid: 2, io: 3 } as const;

/** Where and how a result is printed. */
export interface Output {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly json: boolean;
}

type Style = Parameters<typeof styleText>[0];

/** Colour for a stream that is a terminal and not opted out (NO_COLOR); plain text otherwise. */
export function painter(stream: { isTTY?: boolean }): (style: Style, text: string) => string {
  const color = stream.isTTY === true && process.env["NO_COLOR"] === undefined;
  return (style, text) => (color ? styleText(style, text) : text);
}

/** Prints one generation's result and returns its exit code. */
export function report(result: GenerateResult, output: Output): number {
  const code = result.status === "invalid" ? EXIT.invalid : result.status === "drift" ? EXIT.drift : EXIT.ok;
  if (output.json) {
    output.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return code;
  }
  const out = painter(output.stdout);
  printFindings(result.findings, output.stderr);
  switch (result.status) {
    case "invalid": {
      printProblems(result.problems, output.stderr);
      const count = result.problems.length + result.findings.length;
      output.stderr.write(`${result.config}: ${count} problem${count === 1 ? "" : "s"}; nothing written\n`);
      break;
    }
    case "drift":
      for (const line of (result.diff ?? "").trimEnd().split("\n")) {
        const style = line.startsWith("+")
          ? "green"
          : line.startsWith("-")
            ? "red"
            : line.startsWith("@@")
              ? "cyan"
              : undefined;
        output.stdout.write(`${style ? out(style, line) : line}\n`);
      }
      output.stdout.write(
        `\nSemantic changes:\n${(result.changes ?? []).map((c) => `  ${formatChange(c)}\n`).join("") || "  none (formatting only)\n"}`,
      );
      output.stderr.write(`${result.out} is out of date with ${result.config}: run cachegen generate\n`);
      break;
    case "written":
      output.stdout.write(`wrote ${result.out} (${aliases(result.aliases)}) in ${result.ms} ms\n`);
      break;
    case "unchanged":
    case "current":
      output.stdout.write(`${result.out} is up to date (${aliases(result.aliases)}) in ${result.ms} ms\n`);
      break;
    case "valid":
      output.stdout.write(`${result.config} is valid (${aliases(result.aliases)}) in ${result.ms} ms\n`);
      break;
  }
  return code;
}

/** Prints config problems to `stream` as `file:line:col  path  message`. */
export function printProblems(problems: readonly Problem[], stream: Output["stderr"]): void {
  const paint = painter(stream);
  for (const problem of problems) {
    const [location, ...rest] = formatProblem(problem).split("  ");
    stream.write(`${paint("dim", location!)}  ${paint("red", rest.join("  "))}\n`);
  }
}

/** Prints keyspace findings to `stream`, each with its hint. */
export function printFindings(findings: readonly Finding[], stream: Output["stdout"]): void {
  const paint = painter(stream);
  for (const finding of findings) stream.write(`${formatFinding(finding, paint)}\n`);
}

/** `1 alias`, `3 aliases`. */
export function aliases(count: number): string {
  return `${count} alias${count === 1 ? "" : "es"}`;
}

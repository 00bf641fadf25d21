import { styleText } from "node:util";
import { formatChange } from "../check/change.js";
import type { GenerateResult } from "../generate.js";
import { formatProblem } from "../problems.js";

/** The fixed exit codes. */
export const EXIT = { ok: 0, drift: 1, invalid: 2, io: 3 } as const;

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
  const err = painter(output.stderr);
  const out = painter(output.stdout);
  switch (result.status) {
    case "invalid":
      for (const problem of result.problems) {
        const [location, ...rest] = formatProblem(problem).split("  ");
        output.stderr.write(`${err("dim", location!)}  ${err("red", rest.join("  "))}\n`);
      }
      output.stderr.write(
        `${result.config}: ${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; nothing written\n`,
      );
      break;
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

function aliases(count: number): string {
  return `${count} alias${count === 1 ? "" : "es"}`;
}

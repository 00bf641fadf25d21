import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeStarter } from "./cli/init.js";
import { helpText, parseCliArgs } from "./cli/flags.js";
import { reportDoctor } from "./cli/doctor.js";
import { EXIT, painter, report, type Output } from "./cli/report.js";
import { packageRoot } from "./package-root.js";
import { startToolchain } from "./toolchain/toolchain.js";

/**
 * Runs the CLI and returns its exit code: 0 success or up to date, 1 drift or doctor findings, 2
 * invalid config (or findings under `--strict`) or usage, 3 I/O or environment. `signal` ends `--watch`.
 */
export async function main(
  argv: readonly string[],
  io: Omit<Output, "json"> & { readonly cwd?: string } = { stdout: process.stdout, stderr: process.stderr },
  signal?: AbortSignal,
): Promise<number> {
  const { cwd = process.cwd(), ...output } = io;
  const args = parseCliArgs(argv);
  if (!args.ok) {
    output.stderr.write(
      `${painter(output.stderr)("red", `cachegen: ${args.error}`)}\nRun cachegen --help for usage.\n`,
    );
    return EXIT.invalid;
  }
  const { command, flags } = args;
  if (flags["version"]) {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
    output.stdout.write(`${pkg.version}\n`);
    return EXIT.ok;
  }
  if (flags["help"] || command === undefined) {
    output.stdout.write(helpText());
    return command === undefined && !flags["help"] && argv.length > 0 ? EXIT.invalid : EXIT.ok;
  }
  const options = {
    cwd,
    config: flags["config"] as string | undefined,
    out: flags["out"] as string | undefined,
    check: flags["check"] === true,
    validateOnly: command === "validate",
    strict: flags["strict"] === true,
  };
  const full: Output = { ...output, json: flags["json"] === true };
  try {
    switch (command) {
      case "init":
        if (!(await writeStarter(cwd))) {
          output.stderr.write("cachegen.config.json already exists; nothing written\n");
          return EXIT.invalid;
        }
        output.stdout.write("wrote cachegen.config.json; next: npx cachegen generate\n");
        return EXIT.ok;
      case "doctor": {
        const { doctor } = await import("./doctor/doctor.js");
        return reportDoctor(await doctor(options), full);
      }
      case "generate":
      case "validate": {
        // Started first: its worker loads json-schema-to-typescript and prettier while this thread
        // loads ts-morph. The generator is loaded here, not at the top, so --help, --version and
        // usage errors answer without loading any of them.
        const toolchain = startToolchain();
        try {
          if (flags["watch"]) {
            const { watchAndGenerate } = await import("./cli/watch.js");
            await watchAndGenerate({ ...options, toolchain }, full, signal ?? interrupted());
            return EXIT.ok;
          }
          const { generate } = await import("./generate.js");
          return report(await generate({ ...options, toolchain }), full);
        } finally {
          await toolchain.close();
        }
      }
    }
  } catch (error) {
    output.stderr.write(`${painter(output.stderr)("red", `cachegen: ${(error as Error).message}`)}\n`);
    return EXIT.io;
  }
}

/** Aborts on Ctrl-C or SIGTERM, so `--watch` closes its watchers and exits 0. */
function interrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

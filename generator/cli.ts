import { readFileSync } from "node:fs";
import { ConfigError } from "../runtime/errors.js";
import { configProblems } from "../runtime/config/validate.js";

const HELP = `Usage: cachegen <command> [options]

Commands:
  validate [--config F]   check a JSON config against the schema

Options:
  --help                  show this help
  --version               print the version
`;

/** Runs the CLI and returns its exit code: 0 ok, 2 invalid config or usage, 3 I/O error. */
export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.length === 0) {
    process.stdout.write(HELP);
    return 0;
  }
  if (argv.includes("--version")) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (argv[0] === "validate") {
    const file = argv[argv.indexOf("--config") + 1] ?? "cachegen.config.json";
    let config: unknown;
    try {
      config = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      process.stderr.write(`${file}: ${(error as Error).message}\n`);
      return 3;
    }
    const problems = configProblems(config);
    if (problems.length > 0) {
      process.stderr.write(`${new ConfigError(problems).message}\n`);
      return 2;
    }
    process.stdout.write(`${file}: valid\n`);
    return 0;
  }
  process.stderr.write(`unknown command ${JSON.stringify(argv[0])}\n${HELP}`);
  return 2;
}

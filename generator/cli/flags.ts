import { parseArgs } from "node:util";

/** The CLI's commands, with the one line `--help` shows for each. */
export const COMMANDS = {
  generate: "validate the config and write the typed caches.ts",
  validate: "check the config and report every problem; write nothing",
  init: "write a starter cachegen.config.json with $schema",
  doctor: "report keyspace hazards: overlapping namespaces, clear() on shared stores, cluster slots",
} as const;

/** A command name. */
export type Command = keyof typeof COMMANDS;

/** One flag, declared as data: the parser and `--help` are both built from this list. */
export interface Flag {
  readonly name: string;
  readonly short?: string;
  /** The value's placeholder for a flag that takes one (`--config <file>`). */
  readonly value?: string;
  readonly description: string;
  /** The commands that accept it; none means every command. */
  readonly commands?: readonly Command[];
}

/** Every flag the CLI accepts. */
export const FLAGS: readonly Flag[] = [
  {
    name: "config",
    short: "c",
    value: "file",
    description: "config file (default: cachegen.config.json|yaml|yml, else package.json#cachegen)",
    commands: ["generate", "validate", "doctor"],
  },
  {
    name: "out",
    short: "o",
    value: "file",
    description: "output file (default: the config's $out, else caches.ts beside the config)",
    commands: ["generate"],
  },
  {
    name: "check",
    description: "compare with the file on disk and write nothing; exit 1 with a diff on drift",
    commands: ["generate"],
  },
  {
    name: "watch",
    short: "w",
    description: "regenerate on every change to the config or a file it references",
    commands: ["generate"],
  },
  {
    name: "json",
    description: "print the result as JSON (for CI annotations)",
    commands: ["generate", "validate", "doctor"],
  },
  {
    name: "strict",
    description: "keyspace findings are errors (generate and validate then write nothing and exit 2)",
    commands: ["generate", "validate", "doctor"],
  },
  { name: "help", short: "h", description: "show this help" },
  { name: "version", short: "v", description: "print the version" },
];

/** Parsed arguments, or the usage error that prevents running anything. */
export type ParsedArgs =
  | {
      readonly ok: true;
      readonly command: Command | undefined;
      readonly flags: Readonly<Record<string, string | boolean | undefined>>;
    }
  | { readonly ok: false; readonly error: string };

/** Parses argv against {@link FLAGS}: unknown flags, missing values and flags foreign to the command are errors. */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        FLAGS.map((f) => [
          f.name,
          {
            type: f.value === undefined ? ("boolean" as const) : ("string" as const),
            ...(f.short ? { short: f.short } : {}),
          },
        ]),
      ),
    });
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  const [command, ...extra] = parsed.positionals;
  if (command !== undefined && !Object.hasOwn(COMMANDS, command)) {
    return { ok: false, error: `unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(", ")}` };
  }
  if (extra.length > 0) return { ok: false, error: `unexpected argument "${extra[0]}"` };
  for (const flag of FLAGS) {
    if (parsed.values[flag.name] === undefined || flag.commands === undefined) continue;
    if (command === undefined || !flag.commands.includes(command as Command)) {
      return { ok: false, error: `--${flag.name} works only with ${flag.commands.join(" or ")}` };
    }
  }
  if (parsed.values["check"] && parsed.values["watch"])
    return { ok: false, error: "--check and --watch do not go together" };
  return { ok: true, command: command as Command | undefined, flags: parsed.values };
}

/** The `--help` text, generated from {@link COMMANDS} and {@link FLAGS}. */
export function helpText(): string {
  const flagName = (f: Flag) => `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` <${f.value}>` : ""}`;
  const width = Math.max(...FLAGS.map((f) => flagName(f).length), ...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const commands = Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(width)}${text}`);
  const flags = FLAGS.map((f) => {
    const scope = f.commands ? ` [${f.commands.join(", ")}]` : "";
    return `  ${flagName(f).padEnd(width)}${f.description}${scope}`;
  });
  return [
    "Usage: cachegen <command> [options]",
    "",
    "Commands:",
    ...commands,
    "",
    "Options:",
    ...flags,
    "",
    "Exit codes: 0 success or up to date, 1 drift (--check) or doctor findings, 2 invalid config (or findings",
    "under --strict) or usage, 3 I/O or environment error.",
    "",
  ].join("\n");
}

import { parseArgs } from "node:util";
import { closest } from "cachegen/internal";

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

/**
 * Parses argv against {@link FLAGS}. Unknown flags (with the closest known one), missing or
 * unexpected values, unknown commands and flags foreign to the command are usage errors, worded
 * here rather than left to `parseArgs`.
 */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  const { tokens } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: false,
    tokens: true,
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
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const flag = FLAGS.find((f) => f.name === token.name);
    if (flag === undefined) return { ok: false, error: unknownFlag(token.rawName) };
    if (flag.value === undefined) {
      if (token.value !== undefined) return { ok: false, error: `${token.rawName} takes no value` };
      flags[flag.name] = true;
    } else {
      // parseArgs takes the next argument as the value even when it is another flag.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith("-"))) {
        return { ok: false, error: `${token.rawName} needs a value: --${flag.name} <${flag.value}>` };
      }
      flags[flag.name] = token.value;
    }
  }
  const [command, ...extra] = positionals;
  if (command !== undefined && !Object.hasOwn(COMMANDS, command)) {
    const guess = closest(command, Object.keys(COMMANDS));
    const hint = guess === undefined ? `commands: ${Object.keys(COMMANDS).join(", ")}` : `did you mean "${guess}"?`;
    return { ok: false, error: `unknown command "${command}"; ${hint}` };
  }
  if (extra.length > 0) return { ok: false, error: `unexpected argument "${extra[0]}"` };
  for (const flag of FLAGS) {
    if (flags[flag.name] === undefined || flag.commands === undefined) continue;
    if (command === undefined || !flag.commands.includes(command as Command)) {
      return { ok: false, error: `--${flag.name} works only with ${flag.commands.join(" or ")}` };
    }
  }
  if (flags["check"] && flags["watch"]) return { ok: false, error: "--check and --watch do not go together" };
  return { ok: true, command: command as Command | undefined, flags };
}

function unknownFlag(raw: string): string {
  const guess = raw.startsWith("--")
    ? closest(
        raw.slice(2),
        FLAGS.map((f) => f.name),
      )
    : undefined;
  return `unknown option ${raw}${guess === undefined ? "" : `; did you mean --${guess}?`}`;
}

/**
 * The `--help` text, generated from {@link COMMANDS} and {@link FLAGS}: for one command, its usage
 * and the flags it takes; otherwise every command and flag.
 */
export function helpText(command?: Command): string {
  const shown = command === undefined ? FLAGS : FLAGS.filter((f) => f.commands?.includes(command) ?? true);
  const flagName = (f: Flag) => `${f.short ? `-${f.short}, ` : "    "}--${f.name}${f.value ? ` <${f.value}>` : ""}`;
  const width = Math.max(...shown.map((f) => flagName(f).length), ...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  const flags = shown.map((f) => {
    const scope = command === undefined && f.commands ? ` [${f.commands.join(", ")}]` : "";
    return `  ${flagName(f).padEnd(width)}${f.description}${scope}`;
  });
  const head =
    command === undefined
      ? [
          "Usage: cachegen <command> [options]",
          "",
          "Commands:",
          ...Object.entries(COMMANDS).map(([name, text]) => `  ${name.padEnd(width)}${text}`),
        ]
      : [
          `Usage: cachegen ${command} [options]`,
          "",
          `${COMMANDS[command][0]!.toUpperCase()}${COMMANDS[command].slice(1)}.`,
        ];
  return [
    ...head,
    "",
    "Options:",
    ...flags,
    "",
    "Exit codes: 0 success or up to date, 1 drift (--check) or doctor findings, 2 invalid config (or findings",
    "under --strict) or usage, 3 I/O or environment error.",
    "",
  ].join("\n");
}

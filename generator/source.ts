import { readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { Options as PrettierOptions } from "prettier";
import { configProblems } from "cachegen/internal";
import { aliasModels, type AliasModel } from "./config/model.js";
import { parseConfig, type ConfigSource } from "./config/parse.js";
import { checkReferences } from "./config/references.js";
import { banner } from "./emit/banner.js";
import { emitSource } from "./emit/emit.js";
import { plan, RESERVED_NAMES } from "./emit/plan.js";
import { Regions } from "./emit/regions.js";
import { validatorFiles, validatorModule } from "./emit/validator-module.js";
import { fingerprint } from "./fingerprint.js";
import { posixRelative } from "./paths.js";
import type { PendingProblem, Problem } from "./problems.js";
import { inProcess, type Toolchain } from "./toolchain/toolchain.js";
import { schemaResolver, type ReadFile } from "./types/schema-refs.js";
import type { SchemaTypes } from "./types/schema-types.js";
import { schemaKeyVersions } from "./types/key-version.js";
import { tsRefChecker } from "./types/ts-refs.js";

/** The input of {@link generateSource}. */
export interface SourceInput {
  /** The config file's path and text. */
  readonly source: ConfigSource;
  /** The output file; default: the config's `$out`, else `caches.ts` beside the config. */
  readonly out?: string;
  /** Prettier options for the output, or their promise (the CLI passes the project's own). */
  readonly prettier?: PrettierOptions | Promise<PrettierOptions>;
  /** How referenced schema files are read; default: from disk. TypeScript modules are read by ts-morph. */
  readonly readFile?: ReadFile;
  /** Where json-schema-to-typescript and prettier run; default: in this thread. */
  readonly toolchain?: Toolchain;
}

/** One file a generation writes; `text` is `undefined` for one it removes (an earlier config's, no longer generated). */
export interface GeneratedFile {
  readonly path: string;
  readonly text: string | undefined;
}

/** What {@link generateSource} produced: the file text, or every problem in the config. */
export type SourceResult =
  | {
      readonly ok: true;
      /** The text of the typed module. */
      readonly text: string;
      /** The output file it is meant for. */
      readonly out: string;
      /** Every file of the output, `out` first, then the validators' module and its declaration (see {@link GeneratedFile}). */
      readonly outputs: readonly GeneratedFile[];
      readonly models: readonly AliasModel[];
      readonly fingerprint: string;
      /** Every file the config references (for `--watch`). */
      readonly files: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly Problem[]; readonly files: readonly string[] };

/**
 * Config text in, generated file text out. It writes nothing and reads only the files the config
 * references, so the same input gives the same bytes on any machine; `generate` adds the file I/O.
 */
export async function generateSource(input: SourceInput): Promise<SourceResult> {
  const { source } = input;
  const readFile = input.readFile ?? readIfExists;
  const toolchain = input.toolchain ?? inProcess;
  const parsed = parseConfig(source);
  if (parsed.problems.length > 0) return { ok: false, problems: parsed.problems, files: [] };

  const data = parsed.data;
  const pending: PendingProblem[] = configProblems(data).map((p) => ({
    segments: p.segments ?? [],
    message: p.message,
  }));
  const config = (data !== null && typeof data === "object" && !Array.isArray(data) ? data : {}) as Record<
    string,
    unknown
  >;
  const broken = new Set(pending.map((p) => p.segments[0]));
  const models = aliasModels(Object.fromEntries(Object.entries(config).filter(([alias]) => !broken.has(alias))));
  const configFile = resolve(source.path);
  const configDir = dirname(configFile);
  const references = checkReferences(models, schemaResolver(configFile, readFile), tsRefChecker(configFile));
  pending.push(...references.problems);
  const files = [...references.files].sort();
  const fail = (): SourceResult => {
    const located = pending.map((p) => parsed.locate(p));
    return { ok: false, problems: located.sort((a, b) => a.line - b.line || a.column - b.column), files };
  };
  if (pending.length > 0) return fail();

  // json-schema-to-typescript and ajv load only for configs that use them: loading is most of a
  // cold run's time.
  const schemas = new Map([...references.schemas].map(([alias, resolved]) => [alias, resolved.schema]));
  const compiled =
    schemas.size === 0
      ? { types: { declarations: "", types: new Map<string, string>(), names: new Set<string>() } }
      : await (await import("./types/schema-types.js")).schemaTypesOrProblems(schemas, toolchain);
  if ("problems" in compiled) {
    pending.push(...compiled.problems);
    return fail();
  }
  const types: SchemaTypes = compiled.types;
  for (const name of [...types.names].filter((n) => RESERVED_NAMES.has(n))) {
    const alias = [...schemas.keys()].find((a) => types.types.get(a) === name) ?? [...schemas.keys()][0]!;
    pending.push({
      segments: [alias, "serializer", "schema"],
      message: `the schema declares type "${name}", a name the generated file needs; give that schema another title`,
    });
  }

  // Every schema file of the config, sorted, with the text the resolver read.
  const schemaFiles = new Map([...references.schemaTexts].sort(([a], [b]) => (a < b ? -1 : 1)));
  const validators = new Map<string, string>();
  const validated = models.filter((m) => m.validate !== "none" && m.schema !== undefined);
  if (validated.length > 0) {
    const { validatorSource } = await import("./types/validators.js");
    for (const model of validated) {
      const compiled = validatorSource(model.name, model.schema!, schemaFiles, configFile);
      if ("problem" in compiled) pending.push(compiled.problem);
      else validators.set(model.name, compiled.code);
    }
  }
  if (pending.length > 0) return fail();

  const prettier = (await input.prettier) ?? {};
  // The schema declarations are formatted on their own while the rest of the file is emitted (in
  // the worker toolchain, at the same time), and stand in the file as a placeholder until then.
  // Prettier formats each top-level statement alone, so the bytes are those of one pass over the
  // whole file, which then has less to do; options about the whole file need that one pass.
  const regions = new Regions();
  const separately = WHOLE_FILE_OPTIONS.every((option) => prettier[option] === undefined || prettier[option] === false);
  const declarations =
    types.declarations === "" || !separately
      ? types.declarations
      : regions.final(formatDeclarations(toolchain, types.declarations, prettier));
  const defaultOutFile = resolve(configDir, defaultOut(config));
  const out = input.out === undefined ? defaultOutFile : resolve(input.out);
  const hash = fingerprint(models, new Map([...schemaFiles].map(([f, text]) => [posixRelative(configDir, f), text])));
  const emitted = emitSource({
    ...plan(models, {
      configFile,
      outFile: out,
      config,
      schemaTypes: types,
      typeParameters: references.typeParameters,
      validators: validators.size > 0,
      keyVersions: schemaKeyVersions(models, references),
      fingerprint: hash,
    }),
    declarations,
    configLaidOut: Object.keys(prettier).length === 0,
    regions,
  });
  const outDir = dirname(out);
  const head = banner({
    config: posixRelative(outDir, configFile),
    out: out === defaultOutFile ? undefined : basename(out),
    fingerprint: hash,
  });
  const format = (source: string) => toolchain.format(source, prettier);
  const siblings = validatorFiles(out);
  const module = validators.size > 0 ? validatorModule(validators, head) : undefined;
  const [text, js, dts] = await Promise.all([
    format(regions.beforeFormat(head + emitted)).then((formatted) => regions.afterFormat(formatted)),
    module && format(module.js),
    module && format(module.dts),
  ]);
  const outputs = [
    { path: out, text },
    { path: siblings.js, text: js },
    { path: siblings.dts, text: dts },
  ];
  return { ok: true, text, out, outputs, models, fingerprint: hash, files };
}

/** Prettier options that make a file's formatting more than that of its statements one by one. */
const WHOLE_FILE_OPTIONS = ["insertPragma", "requirePragma", "rangeStart", "rangeEnd", "cursorOffset"] as const;

async function formatDeclarations(
  toolchain: Toolchain,
  declarations: string,
  prettier: PrettierOptions,
): Promise<string> {
  return (await toolchain.format(declarations, prettier)).trimEnd();
}

function defaultOut(config: Record<string, unknown>): string {
  return typeof config["$out"] === "string" ? config["$out"] : "caches.ts";
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    // A missing file is reported by whoever needed it, with the config path that named it.
    return undefined;
  }
}

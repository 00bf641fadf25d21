import { dirname, resolve } from "node:path";
import { parseEnvRef, formatPath, BUILTINS, type PluginName, envKindAt } from "cachegen/internal";
import { moduleRefs, type AliasModel, type ClassRef, type ModuleRef } from "../config/model.js";
import { posixRelative } from "../paths.js";
import type { SchemaTypes } from "../types/schema-types.js";
import type { EmitInput, ImportName, UserImport } from "./emit.js";
import { keyTypes, keyVersionsOption } from "./keys.js";
import { literal } from "./literal.js";
import { withValidators } from "./validator-module.js";

/** What planning needs besides the alias models. */
export interface PlanContext {
  readonly configFile: string;
  readonly outFile: string;
  /** The config as written: the source of the emitted config literal. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly schemaTypes: SchemaTypes;
  /** Module reference → type parameter count of the class it names. */
  readonly typeParameters: ReadonlyMap<string, number>;
  /** Whether some alias has a validator, so the file imports them from its sibling module. */
  readonly validators: boolean;
  /** Alias → the version computed for its `key_version: "schema"`. */
  readonly keyVersions: ReadonlyMap<string, string>;
  readonly fingerprint: string;
}

/** The type a `fromEnv(...)` field is declared as, by its kind (explicit for `isolatedDeclarations`). */
const ENV_TYPE = { string: "string", integer: "number", duration: "Duration", boolean: "boolean" } as const;

/**
 * Names the template declares, the runtime names it may import and the global types it uses: no
 * schema type or import may take them.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...["TypedCacheRegistry", "config", "CacheConfig", "CacheAlias", "CacheValues", "CacheTypes", "caches"],
  ...["Duration", "JsonValue", "NoPlugins", "SerializerValue", "fromEnv", "InstanceType", "Readonly"],
  ...Object.values(BUILTINS.backends).map((b) => b.className),
  ...Object.values(BUILTINS.plugins).map((p) => p.className),
]);

/**
 * Turns alias models into the source fragments the template takes: imports with clash-free local
 * names, each alias's value and cache type, the config literal with run-time env reads, and the
 * registry options. Everything is computed here, before ts-morph is touched. The schema
 * declarations, formatting choice and regions go to `emitSource` beside it.
 */
export function plan(
  models: readonly AliasModel[],
  context: PlanContext,
): Omit<EmitInput, "regions" | "declarations" | "configLaidOut"> {
  const runtime = new Map<string, boolean>();
  const use = (name: string, typeOnly = true) => runtime.set(name, (runtime.get(name) ?? true) && typeOnly);
  const taken = new Set([...RESERVED_NAMES, ...context.schemaTypes.names]);
  const imports = userImports(models, context, taken);
  const validators = context.validators ? unique("validators", taken) : undefined;
  const keys = keyTypes(models, (name) => unique(name, taken));

  const aliases = models.map((model) => {
    const local = (ref: { from: string; name: string }) => imports.local(ref);
    const valueType = valueTypeOf(model, context, local, use);
    const plugins = model.plugins.map((p) => pluginType(p, local, use));
    // The tuple is explicit even when empty: that is what makes `plugins[0].stats` a compile error there.
    const pluginTuple = plugins.length > 0 ? `readonly [${plugins.join(", ")}]` : "NoPlugins";
    if (plugins.length === 0) use(pluginTuple);
    // A key type argument only for aliases with a template: the others keep the default, `string`.
    const key = keys.names.get(model.name);
    const keyType = key === undefined ? [] : [key];
    let cacheType: string;
    if ("builtin" in model.backend) {
      const cls = BUILTINS.backends[model.backend.builtin].className;
      use(cls);
      cacheType = `${cls}<${[valueType, pluginTuple, ...keyType].join(", ")}>`;
    } else {
      const ref = model.backend.module;
      const arity = context.typeParameters.get(ref.ref) ?? 0;
      const args = [valueType, pluginTuple, ...keyType].slice(0, arity);
      cacheType = `${imports.local(ref)}${args.length > 0 ? `<${args.join(", ")}>` : ""}`;
    }
    return { name: model.name, valueType, cacheType };
  });

  const config = literal(Object.fromEntries(models.map((m) => [m.name, context.config[m.name]])), (value, segments) => {
    if (parseEnvRef(value) === undefined) return undefined;
    use("fromEnv", false);
    const [alias, ...rest] = segments as [string, ...(string | number)[]];
    const model = models.find((m) => m.name === alias)!;
    const kind = envKindAt("builtin" in model.backend ? model.backend.builtin : "module", rest);
    if (kind === "duration") use(ENV_TYPE[kind]);
    const read = `fromEnv(${JSON.stringify(value)}, ${JSON.stringify(kind)}, ${JSON.stringify(formatPath(segments))})`;
    return `${read} as ${ENV_TYPE[kind]}`;
  });

  const options = [`fingerprint: ${JSON.stringify(context.fingerprint)}`];
  if (imports.modules.length > 0) options.push(`modules: { ${imports.modules.join(", ")} }`);
  if (validators !== undefined) options.push(validators === "validators" ? validators : `validators: ${validators}`);
  const keyVersions = keyVersionsOption(context.keyVersions);
  if (keyVersions !== undefined) options.push(keyVersions);
  // The config's top-level telemetry is no alias, so it reaches the registry as an option.
  if (context.config["telemetry"] === true) options.push("telemetry: true");

  return {
    runtime: [...runtime].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, typeOnly]) => ({ name, typeOnly })),
    imports: validators === undefined ? imports.list : withValidators(imports.list, context.outFile, validators),
    config,
    aliases,
    keyDeclarations: keys.declarations,
    options: `{ ${options.join(", ")} }`,
  };
}

function valueTypeOf(
  model: AliasModel,
  context: PlanContext,
  local: (ref: { from: string; name: string }) => string,
  use: (name: string) => void,
): string {
  const fromSchema = context.schemaTypes.types.get(model.name);
  if (fromSchema !== undefined) return fromSchema;
  if (model.type !== undefined) return local(model.type);
  const serializer = model.serializer;
  if (serializer === undefined) return "unknown";
  if ("module" in serializer) {
    use("SerializerValue");
    return `SerializerValue<typeof ${local(serializer.module)}>`;
  }
  const value = BUILTINS.serializers[serializer.builtin].valueType;
  if (value === "JsonValue") use(value);
  return value;
}

function pluginType(plugin: ClassRef<PluginName>, local: (ref: ModuleRef) => string, use: (name: string) => void) {
  if ("module" in plugin) return `InstanceType<typeof ${local(plugin.module)}>`;
  const cls = BUILTINS.plugins[plugin.builtin].className;
  use(cls);
  return cls;
}

interface Imports {
  readonly list: UserImport[];
  /** `"./ref.ts#Export": Local` entries of the registry's `modules` option. */
  readonly modules: string[];
  local(ref: { readonly from: string; readonly name: string }): string;
}

/**
 * One import per user module, names sorted, each given a local name no other import, schema type
 * or template name has. Module references are value imports (the registry constructs them);
 * `serializer.type` references are type-only.
 */
function userImports(models: readonly AliasModel[], context: PlanContext, taken: Set<string>): Imports {
  const configDir = dirname(context.configFile);
  const outDir = dirname(context.outFile);
  const wanted = new Map<string, Map<string, boolean>>();
  const refs = new Map<string, ModuleRef>();
  const want = (from: string, name: string, typeOnly: boolean) => {
    const specifier = importSpecifier(resolve(configDir, from), outDir);
    const names = wanted.get(specifier) ?? new Map<string, boolean>();
    names.set(name, (names.get(name) ?? true) && typeOnly);
    wanted.set(specifier, names);
  };
  for (const model of models) {
    for (const { ref } of moduleRefs(model)) {
      want(ref.from, ref.name, false);
      refs.set(ref.ref, ref);
    }
    if (model.type !== undefined) want(model.type.from, model.type.name, true);
  }
  const locals = new Map<string, string>();
  const list: UserImport[] = [...wanted.keys()].sort().map((specifier) => ({
    specifier,
    names: [...wanted.get(specifier)!]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, typeOnly]): ImportName => {
        const local = unique(name, taken);
        locals.set(`${specifier}#${name}`, local);
        return { name, local, typeOnly };
      }),
  }));
  const local = (ref: { from: string; name: string }) =>
    locals.get(`${importSpecifier(resolve(configDir, ref.from), outDir)}#${ref.name}`)!;
  const modules = [...refs.keys()].sort().map((ref) => `${JSON.stringify(ref)}: ${local(refs.get(ref)!)}`);
  return { list, modules, local };
}

/** `/abs/src/models.ts` seen from `/abs` → `./src/models.js` (NodeNext wants the emitted extension). */
function importSpecifier(file: string, fromDir: string): string {
  const path = posixRelative(fromDir, file).replace(/\.(m|c)?tsx?$/, (_, m: string | undefined) => `.${m ?? ""}js`);
  return path.startsWith("../") ? path : `./${path}`;
}

function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
  taken.add(candidate);
  return candidate;
}

import {
  toSeconds,
  type Duration,
  parseEnvRef,
  type Segments,
  isAliasKey,
  BUILTINS,
  backendName,
  pluginName,
  serializerName,
  type BackendName,
  type PluginName,
  type SerializerName,
  type AliasConfig,
  type PluginConfig,
  KeyTemplate,
} from "cachegen/internal";

/** User code named as `./path/to/module.ts#Export`, relative to the config file. */
export interface ModuleRef {
  /** The reference exactly as written: also the key of the registry's `modules` option. */
  readonly ref: string;
  readonly from: string;
  readonly name: string;
}

/** A built-in class by canonical name, or user code. */
export type ClassRef<N extends string> = { readonly builtin: N } | { readonly module: ModuleRef };

/** One module reference of an alias: what it must name, and where under the alias the config names it. */
export interface ModuleUse {
  readonly ref: ModuleRef;
  /** A cache class (`cache`), another class cachegen constructs, or the `key_builder` function. */
  readonly kind: "cache" | "class" | "function";
  readonly segments: Segments;
}

/** One alias, normalized: canonical class names, durations in seconds, everything the emitter needs. */
export interface AliasModel {
  readonly name: string;
  /** The alias config exactly as written. */
  readonly config: AliasConfig;
  readonly backend: ClassRef<BackendName>;
  /** `undefined` only for a user backend without a serializer: it picks its own. */
  readonly serializer: ClassRef<SerializerName> | undefined;
  readonly plugins: readonly ClassRef<PluginName>[];
  readonly keyBuilder: ModuleRef | undefined;
  /** `serializer.schema` as written (inline, or `{ "$ref": "./file.json" }`). */
  readonly schema: object | boolean | undefined;
  /** `serializer.type`: an exported TypeScript type. */
  readonly type: { readonly from: string; readonly name: string } | undefined;
  /** When values are checked against the schema; absent means never. */
  readonly validate: "none" | "set" | "get" | "both";
  /** Seconds, `null` for none, or the `${VAR}` reference read at run time. */
  readonly ttl: number | null | string | undefined;
  readonly timeout: number | null | string | undefined;
  readonly namespace: string | undefined;
  /** The parsed `key` template; `undefined` when keys are strings only. */
  readonly key: KeyTemplate | undefined;
  /** `key_version` as written: `"schema"` (computed by the generator), a number or a string. */
  readonly keyVersion: string | number | undefined;
}

/** `./models.ts#User` → `{ from: "./models.ts", name: "User" }`. */
function moduleRef(ref: string): ModuleRef {
  const hash = ref.lastIndexOf("#");
  return { ref, from: ref.slice(0, hash), name: ref.slice(hash + 1) };
}

/**
 * Normalizes a config that passed validation into sorted alias models. Names are sorted by code
 * unit, never by locale, so every machine orders them alike.
 */
export function aliasModels(config: Record<string, unknown>): AliasModel[] {
  return Object.keys(config)
    .filter(isAliasKey)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => aliasModel(name, config[name] as AliasConfig));
}

function aliasModel(name: string, config: AliasConfig): AliasModel {
  const backend = classRef(config.cache, backendName);
  const serializer = config.serializer;
  return {
    name,
    config,
    backend,
    serializer:
      serializer !== undefined
        ? classRef(serializer.class, serializerName)
        : "builtin" in backend
          ? { builtin: BUILTINS.backends[backend.builtin].serializer }
          : undefined,
    plugins: (config.plugins ?? []).map((p: PluginConfig) => classRef(p.class, pluginName)),
    keyBuilder: config.key_builder === undefined ? undefined : moduleRef(config.key_builder),
    schema: serializer?.schema,
    type: serializer?.type,
    validate: serializer?.validate ?? "none",
    ttl: seconds(config.ttl),
    timeout: seconds(config.timeout),
    namespace: config.namespace,
    key: config.key === undefined ? undefined : keyTemplate(config.key),
    keyVersion: config.key_version,
  };
}

/** The parsed template; one with problems (which validation reports) counts as none. */
function keyTemplate(text: string): KeyTemplate | undefined {
  const parsed = KeyTemplate.parse(text);
  return parsed instanceof KeyTemplate ? parsed : undefined;
}

/** Every module reference of an alias, in config order: backend, serializer, plugins, key_builder. */
export function moduleRefs(model: AliasModel): ModuleUse[] {
  const uses: ModuleUse[] = [];
  if ("module" in model.backend) uses.push({ ref: model.backend.module, kind: "cache", segments: ["cache"] });
  if (model.serializer !== undefined && "module" in model.serializer) {
    uses.push({ ref: model.serializer.module, kind: "class", segments: ["serializer", "class"] });
  }
  model.plugins.forEach((plugin, i) => {
    if ("module" in plugin) uses.push({ ref: plugin.module, kind: "class", segments: ["plugins", i, "class"] });
  });
  if (model.keyBuilder !== undefined) uses.push({ ref: model.keyBuilder, kind: "function", segments: ["key_builder"] });
  return uses;
}

function classRef<N extends string>(name: string, canonical: (name: string) => N | undefined): ClassRef<N> {
  const builtin = canonical(name);
  return builtin === undefined ? { module: moduleRef(name) } : { builtin };
}

/** A duration as written (the schema types it as a number, a string or null), in seconds, or the `${VAR}` itself. */
function seconds(value: number | string | null | undefined): number | null | string | undefined {
  if (typeof value === "string" && parseEnvRef(value) !== undefined) return value;
  return value === undefined ? undefined : toSeconds(value as Duration);
}

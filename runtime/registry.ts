import type { CheckedAlias } from "./alias-check.js";
import type { AnyCache, Cache } from "./cache.js";
import type { ValueValidator } from "./cache-options.js";
import { buildCache } from "./config/build.js";
import type { AliasConfig } from "./config/types.js";
import { configProblems, isAliasKey } from "./config/validate.js";
import { ConfigError, UnknownAliasError } from "./errors.js";
import type { CreateOverrides } from "./overrides.js";
import type { Serializer } from "./serializers/serializer.js";

export type { AnyCache };

/** What a registry builds for each alias name. */
export type CacheMap = { readonly [alias: string]: AnyCache };

/** The config a registry holds: alias name → alias config. */
export type AliasMap = { readonly [alias: string]: AliasConfig };

/** The value type of a user serializer class, so generated code infers it from `./module.ts#Export`. */
export type SerializerValue<S> = S extends abstract new (...args: never) => Serializer<infer V> ? V : never;

/** Typed per alias; an untyped registry (string index) accepts any backend's options. */
type Overrides<M, A extends keyof M> = string extends keyof M
  ? CreateOverrides<M[A]> & Readonly<Record<string, unknown>>
  : CreateOverrides<M[A]>;

/**
 * Type-level tag: a registry's alias → cache map, so `{ registry }` options infer it from a
 * registry of any subclass. It never exists at run time.
 */
export declare const cacheTypes: unique symbol;

/** Registry options; generated code fills them in. */
export interface RegistryOptions {
  /** User code named in the config as `./module.ts#Export`, keyed by that reference. */
  readonly modules?: Readonly<Record<string, unknown>>;
  /** Precompiled value validators by alias. */
  readonly validators?: Readonly<Record<string, ValueValidator>>;
  /** The key versions `cachegen generate` computed, by alias, for `key_version: "schema"`. */
  readonly keyVersions?: Readonly<Record<string, string>>;
  /** Hash of the normalized config the registry was generated from. */
  readonly fingerprint?: string;
  /** The config's top-level `telemetry`: aliases that do not set their own report to OpenTelemetry. */
  readonly telemetry?: boolean;
}

/**
 * aiocache's `caches`: aliases → configs, `get` builds one shared instance per alias on first use,
 * `create` builds a fresh one. Configs are validated when they arrive, with every problem listed.
 *
 * The dynamic `caches` export is this class untyped; generated code instantiates it with `M`
 * (alias → cache type) and `C` (alias → literal config type), which is all the typing there is.
 */
// M and C are deliberately unbounded: checking a bound compares every alias's cache class with
// `AnyCache` member by member, which for 200 aliases doubled the type-check time of code using them.
// Generated code is their only typed producer, and its own tests check what it emits.
//
// Each alias method has a cheap typed overload first and a checked one last: a known alias costs one
// `keyof` lookup, and only a wrong one computes the sentence of `CheckedAlias`. Last, because
// TypeScript 7 reports only the last overload's error.
export class CacheRegistry<M = { readonly [alias: string]: Cache }, C = AliasMap> {
  declare readonly [cacheTypes]?: M;
  /** Hash of the config this registry was generated from; `undefined` for the dynamic registry. */
  readonly fingerprint: string | undefined;
  #config: AliasMap = {};
  readonly #instances = new Map<string, AnyCache>();
  readonly #modules: Readonly<Record<string, unknown>>;
  readonly #validators: Readonly<Record<string, ValueValidator>>;
  readonly #keyVersions: Readonly<Record<string, string>>;
  #telemetry: boolean | undefined;

  constructor(config?: C, options: RegistryOptions = {}) {
    this.fingerprint = options.fingerprint;
    this.#telemetry = options.telemetry;
    this.#modules = options.modules ?? {};
    this.#validators = options.validators ?? {};
    this.#keyVersions = options.keyVersions ?? {};
    if (config !== undefined) this.setConfig(config);
  }

  /**
   * Replaces the whole config after validating it. Instances of aliases that changed or vanished
   * are closed and dropped; unchanged aliases keep theirs.
   */
  setConfig(config: C): void {
    const problems = configProblems(config);
    if (problems.length > 0) throw new ConfigError(problems);
    const next = aliasTable();
    for (const [alias, aliasConfig] of Object.entries(config as AliasMap)) {
      if (isAliasKey(alias)) next[alias] = deepFreeze(structuredClone(aliasConfig));
    }
    const telemetry = (config as { telemetry?: boolean }).telemetry;
    if (telemetry !== undefined) this.#telemetry = telemetry;
    for (const alias of this.#instances.keys()) {
      if (JSON.stringify(next[alias]) !== JSON.stringify(this.#config[alias])) this.#drop(alias);
    }
    this.#config = Object.freeze(next);
  }

  /** Adds or replaces one alias, validated like a whole config. */
  add(alias: string, config: AliasConfig): void {
    // Validated beside the other aliases, which one of its fields may name (a memcached alias's bus).
    const problems = configProblems({ ...this.#config, [alias]: config }).filter((p) => p.segments?.[0] === alias);
    if (problems.length > 0) throw new ConfigError(problems);
    this.#drop(alias);
    const next = Object.assign(aliasTable(), this.#config);
    next[alias] = deepFreeze(structuredClone(config));
    this.#config = Object.freeze(next);
  }

  /** The whole config (read-only). */
  getConfig(): C {
    return this.#config as C;
  }

  /** One alias's config exactly as written (read-only), with literal types in generated code. */
  getAliasConfig<A extends keyof C & string>(alias: A): C[A];
  getAliasConfig<A extends string>(alias: CheckedAlias<A, C>): never;
  getAliasConfig(alias: string): unknown {
    return this.#aliasConfig(alias);
  }

  /** The alias's shared instance, built on first use; the same object on every call. */
  get<A extends keyof M & string>(alias: A): M[A];
  get<A extends string>(alias: CheckedAlias<A, M>): never;
  get(alias: string): unknown {
    return this.#shared(alias);
  }

  /** A new instance of the alias every call, with camelCase option overrides (`{ namespace: "test" }`). */
  create<A extends keyof M & string>(alias: A, overrides?: Overrides<M, A>): M[A];
  // Repeats the override check: on TypeScript 7 this overload's error is the one shown.
  create<A extends string>(alias: CheckedAlias<A, M>, overrides?: Overrides<M, A & keyof M>): never;
  create(alias: string, overrides?: unknown): unknown {
    return this.#build(alias, (overrides ?? {}) as Record<string, unknown>);
  }

  /** Closes every instance `get` built. They reconnect if used again. */
  async closeAll(): Promise<void> {
    const results = await Promise.allSettled([...this.#instances.values()].map((cache) => cache.close()));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
  }

  #shared(alias: string): AnyCache {
    let cache = this.#instances.get(alias);
    if (cache === undefined) {
      cache = this.#build(alias, {});
      this.#instances.set(alias, cache);
    }
    return cache;
  }

  #build(alias: string, overrides: Record<string, unknown>): AnyCache {
    return buildCache(alias, this.#aliasConfig(alias), overrides, {
      modules: this.#modules,
      validator: this.#validators[alias],
      keyVersion: Object.hasOwn(this.#keyVersions, alias) ? this.#keyVersions[alias] : undefined,
      telemetry: this.#telemetry,
      aliasCache: (name) => this.#shared(name),
    });
  }

  #aliasConfig(alias: string): AliasConfig {
    const config = Object.hasOwn(this.#config, alias) ? this.#config[alias] : undefined;
    if (config === undefined) throw new UnknownAliasError(alias, Object.keys(this.#config));
    return config;
  }

  #drop(alias: string): void {
    const cache = this.#instances.get(alias);
    if (cache === undefined) return;
    this.#instances.delete(alias);
    // The caller replaced the alias and cannot act on a failed close; the connection is gone either way.
    cache.close().catch(() => undefined);
  }
}

/** A table with no prototype, so any alias name, `__proto__` included, is an ordinary key. */
function aliasTable(): Record<string, AliasConfig> {
  return Object.create(null) as Record<string, AliasConfig>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

import type { CacheOptions } from "./cache-options.js";

/** Options fixed by the config (and so by the generated types); `create()` cannot override them. */
type Fixed = "serializer" | "plugins" | "validator" | "validate" | "keyTemplate";

/** The overrides `caches.create(alias, overrides)` accepts for a cache built from `O` options. */
export type OverridesFrom<O> = Omit<O, Fixed>;

/**
 * Type-level tag: each cache class declares the options `create()` may override for it, so the
 * registry types overrides per alias without a lookup table. It never exists at run time.
 */
export declare const overridesType: unique symbol;

/** The `create()` overrides of cache type `T`: unknown keys are compile errors. */
export type CreateOverrides<T> = T extends { readonly [overridesType]?: infer O } ? O : OverridesFrom<CacheOptions>;

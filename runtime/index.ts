// The public runtime API. Curated: what is not exported here is internal.
export { Cache } from "./cache.js";
export type { AnyCache } from "./cache.js";
export { Pipeline } from "./pipeline/pipeline.js";
// Every type in cache-options.ts is public: the options of caches and operations.
export type * from "./cache-options.js";
// Every type in policy-options.ts is public: the options of issue 12's production features.
export type * from "./policy-options.js";
export { MemoryCache } from "./memory-cache.js";
export type { MemoryCacheOptions } from "./memory-cache.js";
export { RedisCache } from "./redis-cache.js";
export type {
  IoRedisClient,
  RedisCacheOptions,
  RedisConnectionOptions,
  RedisNode,
  RedisTlsOptions,
} from "./backends/redis-options.js";
export { MemcachedCache } from "./memcached-cache.js";
export type { MemcachedCacheOptions } from "./backends/memcached-options.js";
export { KEEP_TTL } from "./backends/backend.js";
export type { Backend, MaybePromise, TtlMs, Versioned } from "./backends/backend.js";

export { NullSerializer } from "./serializers/null.js";
export { StringSerializer } from "./serializers/string.js";
export { JsonSerializer } from "./serializers/json.js";
export type { JsonValue } from "./serializers/json.js";
export { V8Serializer } from "./serializers/v8.js";
export { MsgPackSerializer } from "./serializers/msgpack.js";
export type { Serializer, StoredFormat } from "./serializers/serializer.js";

export { BasePlugin } from "./plugins/base.js";
export type { Hook, HookContext, HookName, PluginHooks } from "./plugins/base.js";
export { HitMissRatioPlugin } from "./plugins/hit-miss-ratio.js";
export type { HitMissStats } from "./plugins/hit-miss-ratio.js";
export { TimingPlugin } from "./plugins/timing.js";
export type { TimingStats } from "./plugins/timing.js";
export type { Operation } from "./operations.js";

export {
  BackendError,
  CacheError,
  CacheTimeoutError,
  ConfigError,
  InvalidKeyError,
  KeyExistsError,
  MissingDependencyError,
  NotAnIntegerError,
  OptimisticLockError,
  SerializationError,
  UnknownAliasError,
  ValueValidationError,
} from "./errors.js";
export type { ConfigProblem } from "./errors.js";

export type { Duration, DurationUnit } from "./duration.js";
export type { AliasConfig, CachesConfig, EnvRef, HostPort, PluginConfig, SerializerConfig } from "./config/types.js";
export { CacheRegistry } from "./registry.js";
export { TypedCacheRegistry } from "./typed-registry.js";
export type { AliasMap, CacheMap, RegistryOptions, SerializerValue } from "./registry.js";
export type { CheckedAlias, NoPlugins, UnknownAliasMessage } from "./alias-check.js";
export { fromEnv } from "./config/env.js";
export { validatorRequire } from "./config/validator-helpers.js";
export type { EnvKind, EnvValues } from "./config/env.js";
export type { CreateOverrides, OverridesFrom } from "./overrides.js";
export { caches } from "./caches.js";

export { cached } from "./wrappers/cached.js";
export type { Cached, CachedFunctionOptions } from "./wrappers/cached.js";
export { cachedStampede } from "./wrappers/stampede.js";
export type { StampedeOptions } from "./wrappers/stampede.js";
export { multiCached } from "./wrappers/multi-cached.js";
export type {
  MultiCached,
  MultiCachedFunctionOptions,
  MultiCachedOptions,
  MultiCachingDecorator,
  MultiResult,
} from "./wrappers/multi-cached.js";
export { cachedControls, multiCachedControls } from "./wrappers/wrap.js";
export type { CachingDecorator } from "./wrappers/wrap.js";
export type { CachedOptions } from "./wrappers/engine.js";
export type { CachedControls, MultiCachedControls } from "./wrappers/controls.js";
export type { CacheChoice } from "./wrappers/cache-choice.js";
export type { CacheErrorContext, CacheErrorHandler, CacheSwitches, WrapperOptions } from "./wrappers/options.js";
export type { KeyOptions } from "./wrappers/call-key.js";
export { stableKey } from "./wrappers/stable-key.js";
export { RedLock } from "./coordination/red-lock.js";
export type { AcquireOptions, LeaseStore } from "./coordination/red-lock.js";
export { OptimisticLock } from "./coordination/optimistic-lock.js";

export { CHANNELS } from "./events.js";
export type {
  BreakerEvent,
  BusEvent,
  EventListener,
  LayoutMismatchEvent,
  LoaderEvent,
  OperationEvent,
  Outcome,
} from "./events.js";
export type { Tiers } from "./coordination/tiers.js";
export type { BreakerState } from "./coordination/breaker.js";
export type { Bus, BusState, BusStats, RecoverReason } from "./coordination/bus/bus.js";
export type { BusTransport, TransportListener } from "./backends/bus-transport.js";
export { BUS_VERSION, busChannel } from "./coordination/bus/protocol.js";
export type { BusMessage, Invalidation } from "./coordination/bus/protocol.js";
export {
  ENVELOPE_FIELDS,
  ENVELOPE_MAGIC,
  ENVELOPE_VERSION,
  decodeEnvelope,
  encodeEnvelope,
} from "./serializers/envelope.js";
export type { DecodedEnvelope, EnvelopeMeta } from "./serializers/envelope.js";
export { cachegenMetrics, METRIC_NAMES } from "./telemetry/metrics.js";
export type { OperationMetrics } from "./telemetry/metrics.js";
export { enableTelemetry, openTelemetry } from "./telemetry/otel.js";
export type { TelemetryOptions, TracerProviderLike } from "./telemetry/otel.js";

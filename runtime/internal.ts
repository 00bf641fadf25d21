// What @cachegen/cli shares with the runtime: the config's validation, names and parsing, so the
// generator checks a config exactly as the runtime will. Internal: not public API, no semver promise;
// the CLI pins the runtime's exact version.

export { configProblems, isAliasKey } from "./config/validate.js";
export { closest, formatPath } from "./config/problems.js";
export type { Segments } from "./config/problems.js";
export {
  DEFAULT_HOST as REDIS_DEFAULT_HOST,
  DEFAULT_PORT as REDIS_DEFAULT_PORT,
  namespaceInKey,
  parseUrl,
} from "./backends/redis-options.js";
export { DEFAULT_PORT as MEMCACHED_DEFAULT_PORT } from "./backends/memcached-options.js";
export { parseEnvRef } from "./config/env.js";
export type { AliasConfig, HostPort, PluginConfig } from "./config/types.js";
export { generationKey } from "./backends/memcached-generations.js";
export { INVALID_KEY, MAX_KEY_BYTES } from "./backends/memcached-keys.js";
export { toSeconds } from "./duration.js";
export type { Duration } from "./duration.js";
export { BUILTINS, backendName, pluginName, serializerName } from "./config/builtins.js";
export type { BackendName, PluginName, SerializerName } from "./config/builtins.js";
export { envKindAt } from "./config/env-kinds.js";
export { KeyTemplate } from "./pipeline/key-template.js";
export { usesEnvelope } from "./serializers/envelope.js";

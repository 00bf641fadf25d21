/**
 * Every error cachegen throws extends {@link CacheError} and carries a stable `code`, so callers can
 * branch on `err.code` without string matching. The underlying error, when there is one, is `cause`.
 */
export abstract class CacheError extends Error {
  /** Stable machine-readable code, e.g. `E_TIMEOUT`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in a config, addressed by its path (`redis_alt.port`). */
export interface ConfigProblem {
  /** Readable path, e.g. `redis_alt.plugins[0].class`. */
  readonly path: string;
  readonly message: string;
  /** The same path as segments, for locating it in a source file. */
  readonly segments?: readonly (string | number)[];
}

/** The config is invalid. Every problem is listed in `problems`, not just the first. */
export class ConfigError extends CacheError {
  readonly code = "E_CONFIG";
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[] | string, options?: { cause?: unknown }) {
    const list = typeof problems === "string" ? [{ path: "", message: problems }] : problems;
    const lines = list.map((p) => (p.path ? `  ${p.path}: ${p.message}` : `  ${p.message}`));
    super(
      `Invalid cache config (${list.length} problem${list.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      options,
    );
    this.problems = list;
  }
}

/** `caches.get(alias)` for an alias the config does not define. */
export class UnknownAliasError extends CacheError {
  readonly code = "E_UNKNOWN_ALIAS";

  constructor(
    readonly alias: string,
    known: readonly string[],
  ) {
    const list = known.length ? known.map((a) => JSON.stringify(a)).join(", ") : "none";
    super(
      `Unknown cache alias ${JSON.stringify(alias)}. Known aliases: ${list}. ` +
        `Add it with caches.add() or to the config passed to caches.setConfig().`,
    );
  }
}

/** `add(key)` found the key already present. */
export class KeyExistsError extends CacheError {
  readonly code = "E_KEY_EXISTS";

  constructor(readonly key: string) {
    super(`Key ${JSON.stringify(key)} already exists. Use set() to overwrite it, or delete() it first.`);
  }
}

/** `increment(key)` found a value that is not an integer. */
export class NotAnIntegerError extends CacheError {
  readonly code = "E_NOT_INTEGER";

  constructor(
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Cannot increment key ${JSON.stringify(key)}: its value is not an integer. ` +
        `Only keys created by increment() or set to an integer can be incremented.`,
      options,
    );
  }
}

/** An operation did not finish within its timeout. A late reply resolves nothing. */
export class CacheTimeoutError extends CacheError {
  readonly code = "E_TIMEOUT";

  constructor(
    readonly operation: string,
    readonly key: string | undefined,
    readonly timeoutSeconds: number,
    fix = `Check that the server is reachable, or raise the alias's "timeout" (per call: { timeout }).`,
  ) {
    const target = key === undefined ? "" : ` on key ${JSON.stringify(key)}`;
    super(`Cache operation ${operation}()${target} did not finish within ${timeoutSeconds}s. ${fix}`);
  }
}

/** A value could not be encoded, or stored bytes could not be decoded, by the alias's serializer. */
export class SerializationError extends CacheError {
  readonly code = "E_SERIALIZE";

  constructor(
    readonly key: string,
    readonly serializer: string,
    readonly direction: "encode" | "decode",
    options?: { cause?: unknown; detail?: string },
  ) {
    const detail = options?.detail ?? (options?.cause instanceof Error ? options.cause.message : "");
    const what =
      direction === "decode"
        ? `Stored value of key ${JSON.stringify(key)} is not valid ${serializer} data` +
          ` (written by another serializer, or truncated). Delete the key or read it with the serializer that wrote it.`
        : `Cannot encode the value for key ${JSON.stringify(key)} with the ${serializer} serializer.` +
          ` Store a value this serializer supports, or choose another serializer (v8 handles Date, Map, Set, BigInt).`;
    super(detail ? `${what} (${detail})` : what, options);
  }
}

/** A value failed the alias's precompiled schema validator. */
export class ValueValidationError extends CacheError {
  readonly code = "E_VALUE_INVALID";

  constructor(
    readonly key: string,
    readonly direction: "set" | "get",
    readonly errors: readonly { instancePath?: string; message?: string }[],
  ) {
    const list = errors.map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`).join("; ");
    super(
      `Value ${direction === "set" ? "passed to set()" : "read"} for key ${JSON.stringify(key)} ` +
        `does not match the alias's schema: ${list}. ` +
        (direction === "set"
          ? "Fix the value, or update serializer.schema and regenerate."
          : "The stored value predates a schema change: delete the key or clear the namespace " +
            '(key_version: "schema" gives each schema its own keys; on_bad_value: "miss" drops such values).'),
    );
  }
}

/** The backend failed: connection refused, server error, protocol error. */
export class BackendError extends CacheError {
  readonly code = "E_BACKEND";

  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A key or value the store cannot take (memcached: a key over 250 bytes or with whitespace or a
 * control character, a value over the item size), refused before anything is sent. Unlike
 * `BackendError`, it says nothing about the store's health: retrying or falling back will not help.
 */
export class InvalidKeyError extends CacheError {
  readonly code = "E_INVALID_KEY";

  constructor(
    readonly backend: string,
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** An optional client library (ioredis, memjs) is not installed. */
export class MissingDependencyError extends CacheError {
  readonly code = "E_MISSING_DEPENDENCY";

  constructor(
    readonly packageName: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(`The ${feature} needs the "${packageName}" package. Install it with: npm install ${packageName}`, options);
  }
}

/** `OptimisticLock.cas()` found that the value changed since it was read. */
export class OptimisticLockError extends CacheError {
  readonly code = "E_CAS";

  constructor(readonly key: string) {
    super(
      `Value of key ${JSON.stringify(key)} changed since the lock read it; nothing was written. ` +
        `Read it again and retry.`,
    );
  }
}

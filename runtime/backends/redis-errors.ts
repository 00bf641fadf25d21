import { BackendError, CacheError } from "../errors.js";

const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|Connection is closed|isn't writeable|isn't ready|max retries per request|Socket timeout|connect ETIMEDOUT|All sentinels are unreachable|Failed to refresh slots cache|None of startup nodes is available/i;
const AUTH = /NOAUTH|WRONGPASS|invalid username-password|invalid password/i;

/**
 * Turns an ioredis failure into a {@link BackendError} that keeps it as `cause` and says what to do.
 * `lastConnectionError` is the client's most recent connection error, which names the real problem
 * when a command only reports that the connection is down.
 */
export function redisError(error: unknown, where: string, lastConnectionError?: Error): CacheError {
  if (error instanceof CacheError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const command = (error as { command?: { name?: string } }).command?.name;
  const prefix = `Redis ${command ? `${command.toUpperCase()} ` : ""}at ${where}`;
  if (AUTH.test(message) || AUTH.test(lastConnectionError?.message ?? "")) {
    const reason = AUTH.test(message) ? message : lastConnectionError!.message;
    return new BackendError(
      "redis",
      `${prefix} rejected the credentials (${reason}). Check the username and password options.`,
      { cause: error },
    );
  }
  if (UNREACHABLE.test(message)) {
    const reason =
      lastConnectionError && lastConnectionError.message !== message
        ? `${message}; last connection error: ${lastConnectionError.message}`
        : message;
    return new BackendError(
      "redis",
      `${prefix} is unreachable (${reason}). Check that the server is up and the endpoint, port or url options; ` +
        `the cache reconnects by itself and commands fail fast until then.`,
      { cause: error },
    );
  }
  if (/CROSSSLOT|belong to the same slot/.test(message)) {
    return new BackendError(
      "redis",
      `${prefix}: keys of one command are in different cluster slots (${message}). Set hash_tag so a namespace shares one slot.`,
      { cause: error },
    );
  }
  return new BackendError("redis", `${prefix} failed: ${message}`, { cause: error });
}

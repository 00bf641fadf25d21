import { BackendError, CacheError } from "../errors.js";

/** Reply error codes (the first word of a Redis error reply) that mean the credentials were refused. */
const AUTH_CODES = new Set(["NOAUTH", "WRONGPASS"]);

/**
 * The Redis error code of a server's error reply (`WRONGPASS`, `CROSSSLOT`, `ERR`…): ioredis raises
 * those as `ReplyError`, whose message starts with the code. `undefined` for anything else: a
 * socket error (`ECONNREFUSED`…), or ioredis's own (`MaxRetriesPerRequestError`,
 * `ClusterAllFailedError`, "Connection is closed"), which all mean the server could not be reached.
 */
export function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== "ReplyError") return undefined;
  return error.message.split(" ", 1)[0];
}

/**
 * ioredis refuses, before sending, an auto-pipelined command whose keys span cluster slots, with a
 * plain `Error` (no class, no code): its message is all there is to tell it from a lost connection.
 */
function crossSlotInPipeline(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.message.startsWith("All the keys in a pipeline command should belong to the same slot")
  );
}

/**
 * Turns an ioredis failure into a {@link BackendError} that keeps it as `cause` and says what to do.
 * `lastConnectionError` is the client's most recent connection error, which names the real problem
 * (refused credentials, say) when a command only reports that the connection is down.
 */
export function redisError(error: unknown, where: string, lastConnectionError?: Error): CacheError {
  if (error instanceof CacheError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const command = (error as { command?: { name?: string } }).command?.name;
  const prefix = `Redis ${command ? `${command.toUpperCase()} ` : ""}at ${where}`;
  const code = replyCode(error);
  const refused = [error, lastConnectionError].find((e) => AUTH_CODES.has(replyCode(e) ?? ""));
  if (refused !== undefined) {
    return new BackendError(
      "redis",
      `${prefix} rejected the credentials (${(refused as Error).message}). Check the username and password options.`,
      { cause: error },
    );
  }
  if (code === "CROSSSLOT" || crossSlotInPipeline(error)) {
    return new BackendError(
      "redis",
      `${prefix}: keys of one command are in different cluster slots (${message}). Set hash_tag so a namespace shares one slot.`,
      { cause: error },
    );
  }
  if (code !== undefined) return new BackendError("redis", `${prefix} failed: ${message}`, { cause: error });
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

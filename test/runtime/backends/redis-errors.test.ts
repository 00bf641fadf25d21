import { describe, expect, it } from "vitest";
import { redisError } from "../../../runtime/backends/redis-errors.js";
import { BackendError, NotAnIntegerError } from "../../../runtime/index.js";

/** A server error reply as ioredis raises it: a `ReplyError` whose message starts with the code. */
function reply(message: string): Error {
  const error = new Error(message);
  Object.defineProperty(error, "name", { value: "ReplyError" });
  return error;
}

const WHERE = "127.0.0.1:6379";

describe("Redis errors, classified by ioredis's error class and the reply's code", () => {
  it.each([
    [reply("WRONGPASS invalid username-password pair or user is disabled."), /rejected the credentials.*WRONGPASS/],
    [reply("NOAUTH Authentication required."), /rejected the credentials.*NOAUTH/],
    [reply("CROSSSLOT Keys in request don't hash to the same slot"), /different cluster slots.*hash_tag/],
    [new Error("All the keys in a pipeline command should belong to the same slot"), /different cluster slots/],
    [reply("ERR unknown command 'NOPE'"), /failed: ERR unknown command/],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" }), /is unreachable/],
    [new Error("Connection is closed."), /is unreachable \(Connection is closed\.\)/],
  ])("%s", (error, message) => {
    const mapped = redisError(error, WHERE);
    expect(mapped).toBeInstanceOf(BackendError);
    expect(mapped).toMatchObject({ code: "E_BACKEND", cause: error, message: expect.stringMatching(message) });
  });

  it("names refused credentials found in the last connection error when a command only sees a closed connection", () => {
    const mapped = redisError(new Error("Connection is closed."), WHERE, reply("WRONGPASS invalid password"));
    expect(mapped.message).toMatch(/rejected the credentials \(WRONGPASS invalid password\)/);
  });

  it("passes cachegen's own errors through", () => {
    const own = new NotAnIntegerError("k");
    expect(redisError(own, WHERE)).toBe(own);
  });
});

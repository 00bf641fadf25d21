import { describe, expect, it } from "vitest";
import {
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
} from "../../runtime/index.js";

const cause = new Error("underlying");

// Each error: the instance, its stable code, and what its message must tell the user to do.
const cases: [CacheError, string, RegExp][] = [
  [
    new ConfigError([{ path: "a.port", message: "expected integer" }], { cause }),
    "E_CONFIG",
    /1 problem.*a\.port: expected integer/s,
  ],
  [
    new UnknownAliasError("defualt", ["default"]),
    "E_UNKNOWN_ALIAS",
    /"defualt".*Known aliases: "default".*caches\.add/,
  ],
  [new KeyExistsError("k"), "E_KEY_EXISTS", /"k" already exists.*set\(\)/],
  [new NotAnIntegerError("k", { cause }), "E_NOT_INTEGER", /increment key "k".*not an integer/],
  [new CacheTimeoutError("get", "k", 1), "E_TIMEOUT", /within 1s.*"timeout"/],
  [
    new SerializationError("k", "json", "decode", { cause }),
    "E_SERIALIZE",
    /"k" is not valid json data.*Delete the key.*\(underlying\)/,
  ],
  [
    new SerializationError("k", "json", "encode", { cause }),
    "E_SERIALIZE",
    /Cannot encode .*"k".*json.*v8 handles Date/,
  ],
  [
    new ValueValidationError("k", "set", [{ instancePath: "/id", message: "must be integer" }]),
    "E_VALUE_INVALID",
    /\/id must be integer.*regenerate/,
  ],
  [new BackendError("redis", "connection refused; is the server up?", { cause }), "E_BACKEND", /connection refused/],
  [new MissingDependencyError("ioredis", "redis backend", { cause }), "E_MISSING_DEPENDENCY", /npm install ioredis/],
  [new OptimisticLockError("k"), "E_CAS", /"k" changed.*retry/],
  [new InvalidKeyError("memcached", "a b", 'Memcached key "a b" contains whitespace'), "E_INVALID_KEY", /"a b"/],
];

describe("errors", () => {
  it.each(cases)("%s has its code, name, cause and an actionable message", (error, code, message) => {
    expect(error).toBeInstanceOf(CacheError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error.message).toMatch(message);
    if (error.cause !== undefined) expect(error.cause).toBe(cause);
  });

  it("gives each class its own code", () => {
    const codes = cases.map(([error]) => [error.constructor.name, error.code]);
    expect(new Set(codes.map(([, code]) => code)).size).toBe(new Set(codes.map(([name]) => name)).size);
  });

  it("ConfigError lists every problem", () => {
    const error = new ConfigError([
      { path: "a.port", message: "expected integer" },
      { path: "b", message: 'missing required field "cache"' },
    ]);
    expect(error.problems).toHaveLength(2);
    expect(error.message.split("\n")).toEqual([
      "Invalid cache config (2 problems):",
      "  a.port: expected integer",
      '  b: missing required field "cache"',
    ]);
  });
});

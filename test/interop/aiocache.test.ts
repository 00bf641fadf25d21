import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  CacheRegistry,
  KeyExistsError,
  NotAnIntegerError,
  SerializationError,
  type Cache,
} from "../../runtime/index.js";
import { describeWithServers } from "../helpers/provided.js";
import { startRedis, tempDir } from "../helpers/servers.js";
import { expectTtlAfter, stopwatch } from "../helpers/timing.js";
import { aiocache, py, type PythonOp } from "./python.js";

/**
 * A Python service on aiocache 0.12.3 and a Node service on cachegen share one config file and one
 * Redis: each reads what the other wrote. Every Python call runs in a real aiocache process (one
 * per batch of calls); the Node side runs here. What cannot be shared is asserted too, so the
 * README's list of it stays true.
 */
const NS = `iop${process.pid}`;

/** One config file both services load: aiocache's dotted names, literal ports and TTLs in seconds. */
function sharedConfig(port: number, namespaces: Record<string, [serializer: string, namespace?: string]>) {
  const aliases = Object.fromEntries(
    Object.entries(namespaces).map(([alias, [serializer, namespace]]) => [
      alias,
      {
        cache: "aiocache.RedisCache",
        endpoint: "127.0.0.1",
        port,
        timeout: 5,
        ...(namespace === undefined ? {} : { namespace }),
        serializer: { class: `aiocache.serializers.${serializer}` },
      },
    ]),
  );
  return {
    $schema: "https://example.invalid/cachegen.schema.json",
    default: { cache: "aiocache.SimpleMemoryCache", serializer: { class: "aiocache.serializers.StringSerializer" } },
    ...aliases,
  };
}

/** The dynamic registry, taking the shared file as it is (`$schema` included). */
class Registry extends CacheRegistry<Readonly<Record<string, Cache>>, ReturnType<typeof sharedConfig>> {}

function pythonTtl(result: unknown): number {
  return Number((result as { ok: { $int: string } }).ok.$int);
}

const pythonMissing = inject("pythonUnavailable");

describeWithServers("aiocache 0.12.3 and cachegen on one Redis and one config file", () => {
  if (pythonMissing !== "") {
    it.skip(`(skipped: ${pythonMissing})`, () => undefined);
    return;
  }
  const registry = new Registry();
  let configFile: string;
  let removeDir: () => Promise<void>;
  const python = (...ops: PythonOp[]) => aiocache(configFile, ops);
  const node = (alias: string) => registry.get(alias);

  beforeAll(async () => {
    const temp = await tempDir("interop");
    removeDir = temp.remove;
    configFile = join(temp.dir, "cachegen.config.json");
    const config = sharedConfig(inject("redis").port, {
      text: ["StringSerializer", `${NS}_text`],
      json: ["JsonSerializer", `${NS}_json`],
      msgpack: ["MsgPackSerializer", `${NS}_msgpack`],
      pickle: ["PickleSerializer", `${NS}_pickle`],
      clear_a: ["JsonSerializer", `${NS}_ca`],
      clear_b: ["JsonSerializer", `${NS}_cb`],
    });
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    registry.setConfig(config);
  });
  afterAll(async () => {
    await registry.closeAll();
    await removeDir();
  });

  it("string: text both ways, and Python's non-strings as their str()", async () => {
    await python(["set", "text", "py", "héllo ✓"], ["set", "text", "empty", ""], ["set", "text", "n", 42]);
    expect(await node("text").multiGet(["py", "empty", "n"])).toEqual(["héllo ✓", "", "42"]);
    await node("text").set("node", "ünï ✓");
    await node("text").set("blank", "");
    expect(await python(["get", "text", "node"], ["get", "text", "blank"])).toEqual([{ ok: "ünï ✓" }, { ok: "" }]);
  });

  it("json: nested values both ways; NaN from Python is a SerializationError", async () => {
    await python(
      ["set", "json", "py", { name: "é", list: [1, py.float("2.5"), null], yes: true, big: py.int(2n ** 53n + 1n) }],
      ["set", "json", "nan", py.float("nan")],
    );
    // JSON numbers are doubles in JavaScript: 2^53 + 1 reads as 2^53.
    expect(await node("json").get("py")).toEqual({ name: "é", list: [1, 2.5, null], yes: true, big: 2 ** 53 });
    await expect(node("json").get("nan")).rejects.toMatchObject({
      name: "SerializationError",
      code: "E_SERIALIZE",
      message: expect.stringContaining(`key "${NS}_json:nan" is not valid json data`) as unknown,
    });

    await node("json").set("node", { y: "é", list: [1, 2.5, null], t: true, nested: { a: [] } });
    expect(await python(["get", "json", "node"])).toEqual([
      {
        ok: py.dict({
          y: "é",
          list: [py.int(1), py.float("2.5"), null],
          t: true,
          nested: py.dict({ a: [] }),
        }),
      },
    ]);
  });

  describe("msgpack", () => {
    const wide = [2 ** 32, 5e9, -(2 ** 31) - 1, -5e9, Number.MAX_SAFE_INTEGER];

    it("Python → Node: ints within ±2^53 are numbers, wider ones bigint, bytes a Uint8Array", async () => {
      await python(
        ["set", "msgpack", "ints", [7, 0xffff_ffff, ...wide].map(py.int)],
        ["set", "msgpack", "huge", [py.int(2n ** 53n + 1n), py.int(2n ** 64n - 1n), py.int(-(2n ** 63n))]],
        [
          "set",
          "msgpack",
          "mixed",
          {
            text: "héllo",
            none: null,
            yes: true,
            half: py.float("1.5"),
            whole: py.float("1.0"),
            raw: py.bytes("0102ff"),
          },
        ],
      );
      expect(await node("msgpack").get("ints")).toEqual([7, 0xffff_ffff, ...wide]);
      expect(await node("msgpack").get("huge")).toEqual([2n ** 53n + 1n, 2n ** 64n - 1n, -(2n ** 63n)]);
      expect(await node("msgpack").get("mixed")).toStrictEqual({
        text: "héllo",
        none: null,
        yes: true,
        half: 1.5,
        whole: 1,
        raw: new Uint8Array([1, 2, 255]),
      });
    });

    it("Node → Python: integers beyond 32 bits are ints (not floats), byte arrays bytes (not ExtType)", async () => {
      await node("msgpack").set("ints", [7, ...wide, 5_000_000_000n, 2n ** 64n - 1n]);
      await node("msgpack").set("mixed", {
        bytes: new Uint8Array([1, 2, 255]),
        buffer: Buffer.from("hi"),
        half: 1.5,
        nested: { at: 1_700_000_000_000, list: ["a", true, null] },
      });
      const [ints, mixed, viaGet] = await python(
        ["loads_raw", "msgpack", "ints"],
        ["loads_raw", "msgpack", "mixed"],
        ["get", "msgpack", "mixed"],
      );
      expect(ints).toEqual({ ok: [7, ...wide, 5_000_000_000n, 2n ** 64n - 1n].map(py.int) });
      expect(mixed).toEqual({
        ok: py.dict({
          bytes: py.bytes("0102ff"),
          buffer: py.bytes("6869"),
          half: py.float("1.5"),
          nested: py.dict({ at: py.int(1_700_000_000_000), list: ["a", true, null] }),
        }),
      });
      // aiocache's own MsgPackSerializer decodes Redis bytes as UTF-8 before unpacking: its `get`
      // fails on msgpack values whoever wrote them (README, "Sharing a store with aiocache").
      expect(viaGet).toEqual({ error: expect.stringMatching(/^UnicodeDecodeError: 'utf-8' codec/) as unknown });
    });
  });

  it("pickle and v8 cannot read each other: SerializationError in Node, UnpicklingError in Python", async () => {
    await python(["set", "pickle", "py", { a: 1 }]);
    const failure = { name: "SerializationError", code: "E_SERIALIZE" };
    await expect(node("pickle").get("py")).rejects.toBeInstanceOf(SerializationError);
    await expect(node("pickle").get("py")).rejects.toMatchObject({
      ...failure,
      message: expect.stringContaining(`key "${NS}_pickle:py" is not valid v8 data`) as unknown,
    });
    await expect(node("pickle").multiGet(["py"])).rejects.toMatchObject(failure);
    await node("pickle").set("node", { a: 1 });
    expect(await python(["get", "pickle", "node"])).toEqual([
      { error: expect.stringMatching(/^UnpicklingError: invalid load key/) as unknown },
    ]);
  });

  it("keys: the same namespace:key layout, with per-call namespaces", async () => {
    const bare = `${NS}-bare`;
    const results = await python(
      ["build_key", "json", "k"],
      ["build_key", "json", bare, ""],
      ["build_key", "json", "k", `${NS}_other`],
    );
    expect(results).toEqual([{ ok: `${NS}_json:k` }, { ok: bare }, { ok: `${NS}_other:k` }]);
    await node("json").set("k", "default");
    await node("json").set(bare, "none", { namespace: "" });
    await node("json").set("k", "other", { namespace: `${NS}_other` });
    expect(
      await python(
        ["raw_get", "json", `${NS}_json:k`],
        ["raw_get", "json", bare],
        ["raw_get", "json", `${NS}_other:k`],
      ),
    ).toEqual([{ ok: py.bytes(hex('"default"')) }, { ok: py.bytes(hex('"none"')) }, { ok: py.bytes(hex('"other"')) }]);
  });

  it("TTLs: what one side sets, the other reads, including fractions, none and expire", async () => {
    const sincePySet = stopwatch();
    await python(
      ["set", "json", "t1", "v", 3600],
      ["add", "json", "t2", "v", 1800],
      ["multi_set", "json", [["t3", "v"]], 2700],
      ["set", "json", "t4", "v", py.float("1000.5")],
      ["set", "json", "t5", "v"],
    );
    const json = node("json");
    expectTtlAfter(await json.getTtl("t1"), 3600, sincePySet());
    expectTtlAfter(await json.getTtl("t2"), 1800, sincePySet());
    expectTtlAfter(await json.getTtl("t3"), 2700, sincePySet());
    expectTtlAfter(await json.getTtl("t4"), 1000.5, sincePySet());
    expect(await json.getTtl("t5")).toBeNull();
    expect(await json.getTtl("missing")).toBeUndefined();

    const sinceNodeSet = stopwatch();
    await json.set("n1", "v", { ttl: 3600 });
    await json.set("n2", "v", { ttl: "10m" });
    await json.multiSet([["n3", "v"]], { ttl: 2700 });
    await json.add("n4", "v", { ttl: 1800 });
    await json.set("n5", "v", { ttl: 0 });
    await json.set("n6", "v", { ttl: 3600 });
    await json.expire("n6", 0);
    expect(await json.expire("t1", 200)).toBe(true);
    const [n1, n2, n3, n4, n5, n6, missing, t1, expired] = await python(
      ...["n1", "n2", "n3", "n4", "n5", "n6", "missing", "t1"].map((key): PythonOp => ["ttl", "json", key]),
      ["expire", "json", "n1", 100],
    );
    expectTtlAfter(pythonTtl(n1), 3600, sinceNodeSet());
    expectTtlAfter(pythonTtl(n2), 600, sinceNodeSet());
    expectTtlAfter(pythonTtl(n3), 2700, sinceNodeSet());
    expectTtlAfter(pythonTtl(n4), 1800, sinceNodeSet());
    expect([n5, n6, missing]).toEqual([{ ok: py.int(-1) }, { ok: py.int(-1) }, { ok: py.int(-2) }]);
    expectTtlAfter(pythonTtl(t1), 200, sinceNodeSet());
    expect(expired).toEqual({ ok: true });
    expectTtlAfter(await json.getTtl("n1"), 100, sinceNodeSet());
  });

  it("counters under json and string: increments from both sides add up; a non-integer fails on both", async () => {
    expect(await python(["increment", "json", "n", 5], ["increment", "text", "s", -2])).toEqual([
      { ok: py.int(5) },
      { ok: py.int(-2) },
    ]);
    expect(await node("json").increment("n", 10)).toBe(15);
    expect(await node("text").get("s")).toBe("-2");
    expect(await node("text").increment("s", 5e9)).toBe(5e9 - 2);
    expect(await python(["get", "json", "n"], ["get", "text", "s"])).toEqual([
      { ok: py.int(15) },
      { ok: String(5e9 - 2) },
    ]);

    await python(["set", "json", "word", "abc"]);
    await expect(node("json").increment("word")).rejects.toBeInstanceOf(NotAnIntegerError);
    await expect(node("json").increment("word")).rejects.toMatchObject({
      code: "E_NOT_INTEGER",
      message: expect.stringContaining(`Cannot increment key "${NS}_json:word"`) as unknown,
    });
    await node("json").set("word2", "abc");
    expect(await python(["increment", "json", "word2"])).toEqual([{ error: "TypeError: Value is not an integer" }]);
  });

  it("add: a key the other side added is a conflict on both", async () => {
    await python(["add", "json", "taken", "py"]);
    await expect(node("json").add("taken", "node")).rejects.toBeInstanceOf(KeyExistsError);
    await expect(node("json").add("taken", "node")).rejects.toMatchObject({ code: "E_KEY_EXISTS" });
    expect(await node("json").get("taken")).toBe("py");
    await node("json").add("mine", "node");
    expect(await python(["add", "json", "mine", "py"], ["get", "json", "mine"])).toEqual([
      { error: expect.stringMatching(/^ValueError: Key .*mine already exists/) as unknown },
      { ok: "node" },
    ]);
  });

  it("multi_set / multiGet, exists and delete across the two", async () => {
    await python([
      "multi_set",
      "json",
      [
        ["m1", { a: 1 }],
        ["m2", [1, 2]],
        ["m3", null],
      ],
    ]);
    expect(await node("json").multiGet(["m1", "m2", "m3", "m4"])).toEqual([{ a: 1 }, [1, 2], null, undefined]);
    await node("json").multiSet([
      ["n1", "x"],
      ["n2", 5],
      ["zero", 0],
    ]);
    expect(
      await python(
        ["multi_get", "json", ["n1", "n2", "missing"]],
        ["exists", "json", "zero"],
        ["delete", "json", "n1"],
        ["delete", "json", "n1"],
        ["exists", "json", "n1"],
      ),
    ).toEqual([{ ok: ["x", py.int(5), null] }, { ok: true }, { ok: py.int(1) }, { ok: py.int(0) }, { ok: false }]);
    const json = node("json");
    expect([
      await json.exists("m1"),
      await json.delete("m1"),
      await json.delete("m1"),
      await json.exists("m1"),
    ]).toEqual([true, 1, 0, false]);
  });

  it("clear of a namespace, from either side, leaves the neighbour namespace alone", async () => {
    const seed = (): PythonOp[] => [
      ["set", "clear_a", "k", 1],
      ["set", "clear_b", "k", 2],
    ];
    await python(...seed());
    await node("clear_a").clear();
    expect(await python(["exists", "clear_a", "k"], ["exists", "clear_b", "k"])).toEqual([{ ok: false }, { ok: true }]);
    await python(...seed(), ["clear", "clear_a", `${NS}_ca`]);
    expect([await node("clear_a").exists("k"), await node("clear_b").exists("k")]).toEqual([false, true]);
  });

  it("aiocache's clear() without namespace= empties the whole db; cachegen's clears the namespace only", async () => {
    // On a Redis of its own: this flushes it.
    const temp = await tempDir("interop-flush");
    const server = await startRedis({ dir: temp.dir });
    const own = new Registry();
    try {
      const config = sharedConfig(server.port, { scoped: ["JsonSerializer", "scoped"], bare: ["JsonSerializer"] });
      const file = join(temp.dir, "flush.config.json");
      writeFileSync(file, JSON.stringify(config));
      own.setConfig(config);
      const [scoped, bare] = [own.get("scoped"), own.get("bare")];
      const seed = async () => {
        await scoped.set("k", 1);
        await bare.set("other", 2);
      };
      await seed();
      await scoped.clear();
      expect([await scoped.exists("k"), await bare.exists("other")]).toEqual([false, true]);
      await seed();
      expect(await aiocache(file, [["clear", "scoped"]])).toEqual([{ ok: true }]);
      expect([await scoped.exists("k"), await bare.exists("other")]).toEqual([false, false]);
    } finally {
      await own.closeAll();
      await server.stop();
      await temp.remove();
    }
  });
});

function hex(text: string): string {
  return Buffer.from(text).toString("hex");
}

import { describe, expect, it } from "vitest";
import {
  JsonSerializer,
  MsgPackSerializer,
  NullSerializer,
  StringSerializer,
  V8Serializer,
} from "../../runtime/index.js";

describe("serializers", () => {
  it("declare what they store and whether integers are decimal text", () => {
    const shape = (s: { name: string; format: string; decimalIntegers: boolean }) => [
      s.name,
      s.format,
      s.decimalIntegers,
    ];
    expect(shape(new NullSerializer())).toEqual(["null", "object", false]);
    expect(shape(new StringSerializer())).toEqual(["string", "text", true]);
    expect(shape(new JsonSerializer())).toEqual(["json", "text", true]);
    expect(shape(new V8Serializer())).toEqual(["v8", "binary", false]);
    expect(shape(new MsgPackSerializer())).toEqual(["msgpack", "binary", false]);
  });

  it("json stores an integer as its decimal text, so native increments stay readable", () => {
    const json = new JsonSerializer();
    expect(json.encode(42)).toBe("42");
    expect(json.decode("43")).toBe(43);
    expect(json.decode(Buffer.from('{"a":[1]}'))).toEqual({ a: [1] });
    expect(() => json.encode(undefined as never)).toThrow(/no JSON representation/);
  });

  it("string refuses non-strings and accepts UTF-8 bytes", () => {
    const string = new StringSerializer();
    expect(() => string.encode(5 as never)).toThrow(/expected a string, got number/);
    expect(string.decode(Buffer.from("héllo"))).toBe("héllo");
    expect(() => string.decode(new Uint8Array([0xff]))).toThrow();
    expect(() => string.decode(12)).toThrow(/expected text, found number/);
  });

  it("v8 round-trips what JSON cannot, and rejects bytes without its header", () => {
    const v8 = new V8Serializer();
    const value = { when: new Date(0), map: new Map([[1, { deep: new Set(["x"]) }]]), big: 10n ** 30n, re: /a+/g };
    expect(v8.decode(v8.encode(value))).toEqual(value);
    expect(() => v8.decode(Buffer.from("json text"))).toThrow(/v8 serialization header/);
    expect(() => v8.decode("text")).toThrow(/expected bytes, found string/);
  });

  it("msgpack copies its output so a stored value does not pin the shared scratch buffer", () => {
    const msgpack = new MsgPackSerializer();
    const encoded = msgpack.encode({ a: 1 });
    expect(encoded.buffer.byteLength).toBe(encoded.byteLength);
    expect(msgpack.decode(encoded)).toEqual({ a: 1 });
    expect(() => msgpack.decode(new Uint8Array([0x92, 0x01]))).toThrow(/Unexpected end/);
    expect(() => msgpack.decode(new Uint8Array([0xc1]))).toThrow(/0xC1/);
    expect(() => msgpack.decode(Buffer.from('{"a":1}'))).toThrow();
  });

  describe("msgpack writes plain MessagePack that other languages read as the same kinds", () => {
    const msgpack = new MsgPackSerializer();
    const hex = (value: unknown) => Buffer.from(msgpack.encode(value)).toString("hex");

    it.each([
      ["a 32-bit int as the smallest int", 7, "07"],
      ["uint32 max as uint32", 0xffff_ffff, "ceffffffff"],
      ["2^32 as int64, not float64", 2 ** 32, "d30000000100000000"],
      ["-2^31-1 as int64", -(2 ** 31) - 1, "d3ffffffff7fffffff"],
      ["2^53-1 as int64", Number.MAX_SAFE_INTEGER, "d3001fffffffffffff"],
      ["2^53 (not a safe integer) as float64", 2 ** 53, "cb4340000000000000"],
      ["a fraction as float64", 1.5, "cb3ff8000000000000"],
      ["a bigint within 64 bits as int64", 5_000_000_000n, "d3000000012a05f200"],
      ["a bigint beyond int64 as uint64", 2n ** 64n - 1n, "cfffffffffffffffff"],
      ["a Uint8Array as bin", new Uint8Array([1, 2]), "c4020102"],
      ["a Buffer as bin", Buffer.from([1, 2]), "c4020102"],
      ["a Set as an array", new Set([1]), "9101"],
    ])("%s", (_, value, expected) => {
      expect(hex(value)).toBe(expected);
    });

    it("widens integers inside arrays, objects and maps without touching the caller's value", () => {
      const value = { list: [1, 5e9], map: new Map([[6e9, "x"]]), nested: { n: -5e9 }, when: new Date(0) };
      const before = structuredClone(value);
      expect(msgpack.decode(msgpack.encode(value))).toEqual({ ...value, map: { 6000000000: "x" } });
      expect(value).toEqual(before);
    });

    it("reads int64 within ±2^53 as numbers, wider ones as bigint, and bin as a Uint8Array", () => {
      const decode = (hexBytes: string) => msgpack.decode(Buffer.from(hexBytes, "hex"));
      expect(decode("cf0000000100000000")).toBe(2 ** 32);
      expect(decode("d3ffffffff7fffffff")).toBe(-(2 ** 31) - 1);
      expect(decode("cf0020000000000001")).toBe(2n ** 53n + 1n);
      expect(decode("cfffffffffffffffff")).toBe(2n ** 64n - 1n);
      const bytes = decode("c4020102");
      expect(bytes).toStrictEqual(new Uint8Array([1, 2]));
      expect(Buffer.isBuffer(bytes)).toBe(false);
    });

    it("still encodes a bigint beyond 64 bits, as msgpackr's own extension", () => {
      expect(msgpack.decode(msgpack.encode(2n ** 100n))).toBe(2n ** 100n);
    });
  });

  it("null passes values through by reference", () => {
    const value = { a: 1 };
    const serializer = new NullSerializer<typeof value>();
    expect(serializer.decode(serializer.encode(value))).toBe(value);
  });
});

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

  it("null passes values through by reference", () => {
    const value = { a: 1 };
    const serializer = new NullSerializer<typeof value>();
    expect(serializer.decode(serializer.encode(value))).toBe(value);
  });
});

import { describe, expect, it } from "vitest";
import {
  JsonSerializer,
  MsgPackSerializer,
  SerializationError,
  StringSerializer,
  V8Serializer,
} from "../../../runtime/index.js";
import {
  decodeEnvelope,
  encodeEnvelope,
  ENVELOPE_MAGIC,
  EnvelopeEntry,
  isEnvelope,
  type EnvelopeMeta,
} from "../../../runtime/serializers/envelope.js";

const CREATED = 1_760_000_000_123;
const meta = (fields: Partial<EnvelopeMeta> = {}): EnvelopeMeta => ({
  createdAt: CREATED,
  expiresAt: undefined,
  tags: [],
  stale: false,
  ...fields,
});

/** Values of every shape the serializers take, including text that is not ASCII. */
const VALUES: unknown[] = [
  0,
  -1,
  42,
  -(2 ** 40),
  1.5,
  true,
  false,
  null,
  "",
  "plain",
  "héllo ✓ 😀",
  "\u00c1",
  [],
  [1, "two", { three: 3 }],
  {},
  { nested: { list: [null, "x"] }, n: -7 },
];

const bytesOf = (encoded: unknown): Uint8Array =>
  typeof encoded === "string" ? Buffer.from(encoded) : (encoded as Uint8Array);

describe("stored envelope", () => {
  it("round-trips its metadata and the payload bytes, for every combination of fields", () => {
    const payload = Buffer.from('{"a":1}');
    for (const expiresAt of [undefined, 0, CREATED + 60_000, 2 ** 48 - 1]) {
      for (const tags of [[], ["org:7"], ["a", "", "ü-tag", "x".repeat(300)]]) {
        for (const stale of [false, true]) {
          const decoded = decodeEnvelope(encodeEnvelope(meta({ expiresAt, tags, stale }), payload), "k");
          expect(decoded).toEqual({ createdAt: CREATED, expiresAt, tags, stale, payload });
        }
      }
    }
  });

  it("wraps each serializer's output so the serializer decodes the payload as it wrote it", () => {
    const serializers = [new JsonSerializer<unknown>(), new MsgPackSerializer(), new V8Serializer()];
    for (const serializer of serializers) {
      for (const value of VALUES) {
        const stored = encodeEnvelope(meta({ tags: ["t"] }), bytesOf(serializer.encode(value)));
        expect(isEnvelope(stored)).toBe(true);
        expect(serializer.decode(decodeEnvelope(stored, "k").payload)).toEqual(value);
      }
    }
    const text = new StringSerializer();
    const stored = encodeEnvelope(meta(), text.encode("héllo"));
    expect(text.decode(decodeEnvelope(stored, "k").payload)).toBe("héllo");
  });

  it("is never mistaken for a serializer's plain output, and plain output is never taken for it", () => {
    const plain = [new JsonSerializer<unknown>(), new MsgPackSerializer(), new V8Serializer(), new StringSerializer()];
    for (const serializer of plain) {
      for (const value of serializer.name === "string" ? VALUES.filter((v) => typeof v === "string") : VALUES) {
        const stored = bytesOf(serializer.encode(value as never));
        expect(stored[0], `${serializer.name} ${JSON.stringify(value)}`).not.toBe(ENVELOPE_MAGIC);
        expect(isEnvelope(stored)).toBe(false);
      }
    }
    // The other direction: a plain reader refuses an envelope instead of returning garbage.
    const envelope = encodeEnvelope(meta(), Buffer.from("[1]"));
    for (const serializer of plain) expect(() => serializer.decode(envelope)).toThrow();
    expect(isEnvelope("text")).toBe(false);
    expect(isEnvelope(new Uint8Array())).toBe(false);
  });

  it("costs 9 header bytes, 15 with an expiry, plus 2 + (2 + length) per tag set", () => {
    const payload = Buffer.from("x");
    expect(encodeEnvelope(meta(), payload).length).toBe(9 + 1);
    expect(encodeEnvelope(meta({ expiresAt: CREATED }), payload).length).toBe(15 + 1);
    expect(encodeEnvelope(meta({ expiresAt: CREATED, tags: ["ab", "c"] }), payload).length).toBe(15 + 2 + 4 + 3 + 1);
  });

  it("refuses corrupt, truncated or foreign bytes with a SerializationError that names the key", () => {
    const good = encodeEnvelope(meta({ expiresAt: CREATED + 1, tags: ["org:7", "team"] }), Buffer.from("{}"));
    const headerEnd = good.length - 2;
    const failures: [string, unknown, RegExp][] = [
      ["not bytes", "text", /expected bytes/],
      ["empty", new Uint8Array(), /no envelope header/],
      ["plain JSON", Buffer.from('{"a":1}'), /no envelope header/],
      ["another version", Buffer.from([ENVELOPE_MAGIC, 2, ...good.subarray(2)]), /version 2/],
      ["unknown flags", Buffer.from([ENVELOPE_MAGIC, 1, 0x08, ...good.subarray(3)]), /unknown flags 0x8/],
      ["tag not UTF-8", Buffer.from([...good.subarray(0, 19), 0xff, ...good.subarray(20)]), /tag 0 is not UTF-8/],
    ];
    for (let cut = 1; cut < headerEnd; cut++) failures.push([`cut at ${cut}`, good.subarray(0, cut), /truncated/]);
    for (const [what, stored, message] of failures) {
      const error = (() => {
        try {
          decodeEnvelope(stored, "user:42");
        } catch (caught) {
          return caught;
        }
        throw new Error(`${what}: decoded`);
      })();
      expect(error, what).toBeInstanceOf(SerializationError);
      expect((error as SerializationError).code).toBe("E_SERIALIZE");
      expect((error as SerializationError).message, what).toMatch(message);
      expect((error as SerializationError).message).toContain('"user:42"');
    }
  });

  it("refuses metadata the layout cannot hold", () => {
    expect(() => encodeEnvelope(meta({ createdAt: -1 }), "")).toThrow(/createdAt must be whole epoch/);
    expect(() => encodeEnvelope(meta({ createdAt: 1.5 }), "")).toThrow(RangeError);
    expect(() => encodeEnvelope(meta({ expiresAt: 2 ** 48 }), "")).toThrow(/expiresAt/);
    expect(() => encodeEnvelope(meta({ tags: ["x".repeat(70_000)] }), "")).toThrow(/at most 65535 UTF-8 bytes/);
  });

  it("has an object form for memory stores that carries the same metadata by reference", () => {
    const value = { a: 1 };
    const entry = new EnvelopeEntry(value, CREATED, CREATED + 5, ["t"]);
    expect(entry.value).toBe(value);
    expect(entry.stale).toBe(false);
    expect(new EnvelopeEntry("v", CREATED)).toMatchObject({ expiresAt: undefined, tags: [], stale: false });
    const { value: _value, ...rest } = entry;
    const decoded = decodeEnvelope(encodeEnvelope(entry, "1"), "k");
    expect({ ...rest }).toEqual({
      createdAt: decoded.createdAt,
      expiresAt: decoded.expiresAt,
      tags: decoded.tags,
      stale: decoded.stale,
    });
  });
});

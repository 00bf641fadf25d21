import { layoutChannel } from "../events.js";
import type { ValueCodec } from "../pipeline/codec.js";
import { decodeEnvelope, encodeEnvelope, EnvelopeEntry, isEnvelope } from "../serializers/envelope.js";

/** How an alias's values sit in its store. */
export type Layout = "plain" | "envelope";

/**
 * Entries on their way to and from the store. With the envelope layout, values carry their
 * metadata: bytes (`CGE1` header + the serializer's payload) for stores of bytes, the
 * {@link EnvelopeEntry} object itself for a memory store with the `null` serializer. With the
 * plain layout the serializer's output is stored as is (aiocache-readable); what is read back
 * is an entry created now, without expiry or tags.
 */
export class EntryLayout<V> {
  readonly #codec: ValueCodec<V>;
  readonly #objects: boolean;
  readonly #alias: string | undefined;

  constructor(
    readonly layout: Layout,
    codec: ValueCodec<V>,
    /** The serializer keeps objects (`null`): envelopes stay objects too. */
    objects: boolean,
    alias: string | undefined,
  ) {
    this.#codec = codec;
    this.#objects = objects;
    this.#alias = alias;
  }

  /** What the store keeps for `entry` under `key`. */
  encode(key: string, entry: EnvelopeEntry<V>): unknown {
    const encoded = this.#codec.encode(key, entry.value);
    if (this.layout === "plain") return encoded;
    if (this.#objects) return new EnvelopeEntry(encoded, entry.createdAt, entry.expiresAt, entry.tags, entry.stale);
    return encodeEnvelope(entry, encoded as string | Uint8Array);
  }

  /**
   * The entry the store holds under `key`, `undefined` on a miss. A plain value read by an alias
   * that stores envelopes is a miss too (reported on `cachegen:layout-mismatch`): it was written
   * before the alias changed layout, and the next write replaces it.
   */
  decode(key: string, stored: unknown): EnvelopeEntry<V> | undefined {
    if (stored === undefined) return undefined;
    if (this.layout === "plain") return new EnvelopeEntry(this.#codec.decode(key, stored) as V, Date.now());
    if (stored instanceof EnvelopeEntry) {
      const { value, createdAt, expiresAt, tags, stale } = stored as EnvelopeEntry;
      return new EnvelopeEntry(this.#codec.decode(key, value) as V, createdAt, expiresAt, tags, stale);
    }
    if (!isEnvelope(stored)) {
      if (layoutChannel.hasSubscribers) layoutChannel.publish({ alias: this.#alias, key });
      return undefined;
    }
    const { payload, createdAt, expiresAt, tags, stale } = decodeEnvelope(stored, key);
    return new EnvelopeEntry(this.#codec.decode(key, payload) as V, createdAt, expiresAt, tags, stale);
  }
}

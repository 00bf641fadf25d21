import { createHash } from "node:crypto";

/** Points per server: enough that each server's share stays within a few percent of fair. */
const POINTS_PER_SERVER = 160;

/**
 * A ketama-style consistent-hash ring: each server owns many points on a 32-bit circle and a key
 * belongs to the first point at or after its hash. Adding or removing a server moves only about
 * 1/n of the keys, so the others keep their cached values.
 */
export class HashRing<T> {
  readonly #points: Uint32Array;
  readonly #owners: T[];

  constructor(servers: readonly { readonly id: string; readonly value: T }[]) {
    const entries: [point: number, owner: T][] = [];
    for (const { id, value } of servers) {
      for (let i = 0; i < POINTS_PER_SERVER / 4; i++) {
        const digest = md5(`${id}-${i}`);
        for (let part = 0; part < 4; part++) entries.push([digest.readUInt32LE(part * 4), value]);
      }
    }
    entries.sort((a, b) => a[0] - b[0]);
    this.#points = Uint32Array.from(entries, ([point]) => point);
    this.#owners = entries.map(([, owner]) => owner);
  }

  /** The server that owns `key`. */
  get(key: string): T {
    const hash = md5(key).readUInt32LE(0);
    const points = this.#points;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return this.#owners[lo === points.length ? 0 : lo]!;
  }
}

function md5(text: string): Buffer {
  return createHash("md5").update(text).digest();
}

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ConfigError } from "../../errors.js";

/** The protocol version: `v` in every message, and part of the channel name. */
export const BUS_VERSION = 1;

/** An invalidation as a cache publishes it; the bus adds `v`, `src` and `seq`. `keys` are built keys. */
export type Invalidation =
  | { readonly op: "set" | "delete"; readonly ns: string; readonly keys: readonly string[] }
  | { readonly op: "clear"; readonly ns: string }
  | { readonly op: "tags"; readonly ns: string; readonly tags: readonly string[]; readonly ts: number };

/** A heartbeat: `seq` is the sender's last sequence number, `ts` its clock when sent. */
export interface Ping {
  readonly op: "ping";
  readonly ts?: number | undefined;
}

/** One message on the wire: plain JSON, so a process in another language can publish and read them. */
export type BusMessage = (Invalidation | Ping) & {
  readonly v: typeof BUS_VERSION;
  /** The sending bus instance; a bus ignores its own messages, except pings. */
  readonly src: string;
  /** Per-`src` counter (optional for foreign publishers); a jump means messages were lost. */
  readonly seq?: number | undefined;
};

/** What a received payload turned out to be: a message, one to skip (newer `v`, unknown `op`), or garbage. */
export type Received =
  | { readonly kind: "message"; readonly message: BusMessage }
  | { readonly kind: "ignored" | "invalid"; readonly reason: string };

const OPS = new Set(["set", "delete", "clear", "tags", "ping"]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The channel of a bus group: `cachegen:bus:v1:{<group>}`; the braces pin it to one cluster slot. */
export function busChannel(group: string): string {
  if (group === "" || /[{}]/.test(group)) {
    throw new ConfigError([
      { path: "bus.group", message: `${JSON.stringify(group)} must be non-empty, without braces` },
    ]);
  }
  return `cachegen:bus:v${BUS_VERSION}:{${group}}`;
}

/** A new bus instance id: host, pid and 48 random bits, unique per process and bus. */
export function newSourceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`;
}

/** The JSON text of a message, fields in the documented order. */
export function encodeMessage(message: BusMessage): string {
  return JSON.stringify(message);
}

/**
 * Reads a payload. Text that is not JSON, or a message missing a field its `op` needs, is invalid;
 * another protocol version or an unknown `op` is ignored, so newer publishers can share the channel.
 */
export function decodeMessage(payload: string | Uint8Array): Received {
  let data: unknown;
  try {
    data = JSON.parse(typeof payload === "string" ? payload : utf8.decode(payload));
  } catch {
    return invalid("not UTF-8 JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) return invalid("not a JSON object");
  const m = data as Record<string, unknown>;
  if (typeof m["v"] !== "number") return invalid("no version");
  if (m["v"] !== BUS_VERSION) return { kind: "ignored", reason: `version ${m["v"]}` };
  if (typeof m["src"] !== "string" || m["src"] === "") return invalid("no src");
  if (m["seq"] !== undefined && !isCount(m["seq"])) return invalid("seq is not a non-negative integer");
  const op = m["op"];
  if (typeof op !== "string") return invalid("no op");
  if (!OPS.has(op)) return { kind: "ignored", reason: `op ${op}` };
  if (op === "ping") return m["ts"] === undefined || isCount(m["ts"]) ? message(m) : invalid("ping ts");
  if (typeof m["ns"] !== "string") return invalid(`${op} without ns`);
  if ((op === "set" || op === "delete") && !isStrings(m["keys"])) return invalid(`${op} without keys`);
  if (op === "tags" && !(isStrings(m["tags"]) && isCount(m["ts"]))) return invalid("tags without tags or ts");
  return message(m);
}

const invalid = (reason: string): Received => ({ kind: "invalid", reason });
const message = (m: Record<string, unknown>): Received => ({ kind: "message", message: m as unknown as BusMessage });
const isCount = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) >= 0;
const isStrings = (list: unknown): list is string[] =>
  Array.isArray(list) && list.every((item) => typeof item === "string");

/** How a message's `seq` relates to what its source sent before. */
export type SeqVerdict = "next" | "gap" | "duplicate";

/**
 * Tracks the last `seq` per source to spot lost messages (a gap) and replays (a duplicate). A ping
 * carries its sender's last `seq`, so a loss shows at the next heartbeat even when nothing else is
 * sent. The first message of a source, and a message without `seq`, are "next". Sources are
 * forgotten least recently heard first beyond `maxSources`.
 */
export class SeqTracker {
  readonly #last = new Map<string, number>();

  constructor(readonly maxSources = 10_000) {}

  /** Judges a message and remembers its `seq`. */
  check(message: BusMessage): SeqVerdict {
    const { src, seq } = message;
    if (seq === undefined) return "next";
    const last = this.#last.get(src);
    const ping = message.op === "ping";
    if (last !== undefined && (ping ? seq < last : seq <= last)) return "duplicate";
    this.#last.delete(src);
    this.#last.set(src, seq);
    if (this.#last.size > this.maxSources) this.#last.delete(this.#last.keys().next().value!);
    if (last === undefined) return "next";
    return seq > (ping ? last : last + 1) ? "gap" : "next";
  }

  /** Forgets every source: after a reconnect, the next message of each one starts afresh. */
  reset(): void {
    this.#last.clear();
  }
}

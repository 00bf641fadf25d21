import { BackendError } from "../errors.js";
import { KEEP_TTL, parseDecimal, type Backend, type TtlMs, type Versioned } from "./backend.js";
import { MemcachedConnection, type MemcachedReply } from "./memcached-connection.js";
import { checkKey, checkValueSize, exptime, remainingMs } from "./memcached-keys.js";
import { Generations } from "./memcached-generations.js";
import type { MemcachedSettings } from "./memcached-options.js";
import { HashRing } from "./memcached-ring.js";
import { textOrBuffer } from "./remote.js";

/** Memcached's CAS token plus the seconds left, so a compare-and-set can keep the expiry. */
interface CasToken {
  readonly cas: string;
  readonly ttl: number;
}

/**
 * Talks to one or more memcached servers over the meta protocol (memcached 1.6+), with cachegen's
 * own small pipelined client. Keys of a namespace carry the namespace's generation (`key#gen`), and
 * `clear(namespace)` bumps it (see {@link Generations}): the old entries become unreachable and age out.
 */
export class MemcachedStore implements Backend {
  readonly name = "memcached";
  readonly separator = "";
  readonly bytesOnly = true;
  #ring: HashRing<MemcachedConnection[]> | undefined;
  #pools: MemcachedConnection[][] = [];
  #turn = 0;
  readonly #generations: Generations;

  constructor(readonly settings: MemcachedSettings) {
    this.#generations = new Generations((key, line) => this.#connection(key).send(line), settings.generationTtlMs);
  }

  get(key: string, namespace: string): Promise<Buffer | undefined> {
    return this.#with(key, namespace, (k, c) =>
      c.send(`mg ${k} v`).then((r) => (r.status === "EN" ? undefined : dataOf(r, "get", k))),
    );
  }

  multiGet(keys: readonly string[], namespace: string): Promise<(Buffer | undefined)[]> {
    return Promise.all(keys.map((key) => this.get(key, namespace)));
  }

  set(key: string, value: unknown, ttl: TtlMs, namespace: string): Promise<void> {
    return this.#store(key, namespace, value, `T${exptime(ttl)}`).then((r) => {
      expect(r, "set", key, "HD");
    });
  }

  multiSet(entries: readonly (readonly [string, unknown])[], ttl: TtlMs, namespace: string): Promise<void> {
    return Promise.all(entries.map(([key, value]) => this.set(key, value, ttl, namespace))).then(() => undefined);
  }

  add(key: string, value: unknown, ttl: TtlMs, namespace: string): Promise<boolean> {
    return this.#store(key, namespace, value, `T${exptime(ttl)} ME`).then(
      (r) => expect(r, "add", key, "HD", "NS") === "HD",
    );
  }

  delete(key: string, namespace: string): Promise<number> {
    return this.#with(key, namespace, (k, c) => c.send(`md ${k}`)).then((r) =>
      expect(r, "delete", key, "HD", "NF") === "HD" ? 1 : 0,
    );
  }

  exists(key: string, namespace: string): Promise<boolean> {
    return this.#with(key, namespace, (k, c) => c.send(`mg ${k}`)).then(
      (r) => expect(r, "exists", key, "HD", "EN") === "HD",
    );
  }

  /**
   * `ma` (atomic, keeps the TTL). Memcached counters are unsigned, so a decrement, or a counter
   * below zero (text memcached calls non-numeric), resolves `undefined`: compare-and-set does it.
   */
  increment(key: string, delta: number, namespace: string): Promise<number | undefined> {
    if (delta < 0) return Promise.resolve(undefined);
    return this.#with(key, namespace, async (k, c) => {
      const reply = await c.send(`ma ${k} N0 J${delta} D${delta} v`);
      if (reply.status === "VA") return parseDecimal(key, reply.value!.toString("latin1"));
      if (/non-numeric/.test(reply.words.join(" "))) return undefined;
      throw unexpected(reply, "increment", key);
    });
  }

  expire(key: string, ttl: TtlMs, namespace: string): Promise<boolean> {
    return this.#with(key, namespace, (k, c) => c.send(`mg ${k} T${exptime(ttl)}`)).then(
      (r) => expect(r, "expire", key, "HD", "EN") === "HD",
    );
  }

  getTtl(key: string, namespace: string): Promise<number | null | undefined> {
    return this.#with(key, namespace, (k, c) => c.send(`mg ${k} t`)).then((r) =>
      expect(r, "getTtl", key, "HD", "EN") === "EN" ? undefined : remainingMs(Number(flag(r, "t"))),
    );
  }

  async clear(namespace: string): Promise<void> {
    if (namespace !== "") {
      await this.#generations.bump(namespace);
      return;
    }
    this.#generations.forget();
    const replies = await Promise.all(this.#connections().map((c) => c.send("flush_all")));
    for (const reply of replies) expect(reply, "clear", "", "OK");
  }

  async raw(command: string, args: readonly unknown[]): Promise<unknown> {
    const key = String(args[0]);
    switch (command) {
      case "get":
        return this.get(key, "");
      case "set":
        await this.set(key, args[1], args[2] === undefined ? null : Number(args[2]) * 1000, "");
        return true;
      case "delete":
        return (await this.delete(key, "")) === 1;
      case "flush_all":
        await this.clear("");
        return true;
      case "version":
      case "stats":
        return this.#perServer(command);
      default:
        throw new BackendError(
          this.name,
          `Unknown raw memcached command ${JSON.stringify(command)}; use get, set (key, value, ttl seconds), delete, flush_all, version or stats.`,
        );
    }
  }

  getVersioned(key: string, namespace: string): Promise<Versioned | undefined> {
    return this.#with(key, namespace, (k, c) => c.send(`mg ${k} v c t`)).then((r) =>
      r.status === "EN" ? undefined : { value: dataOf(r, "getVersioned", key), token: casToken(r) },
    );
  }

  setIfVersion(
    key: string,
    value: unknown,
    expected: Versioned | undefined,
    ttl: TtlMs,
    namespace: string,
  ): Promise<boolean> {
    const token = expected?.token as CasToken | undefined;
    const expiry = ttl === KEEP_TTL ? `T${token?.ttl ?? 0}` : `T${exptime(ttl)}`;
    const flags = token === undefined ? `${expiry} ME` : `${expiry} C${token.cas}`;
    return this.#store(key, namespace, value, flags).then(
      (r) => expect(r, "setIfVersion", key, "HD", "NS", "EX", "NF") === "HD",
    );
  }

  deleteIfEquals(key: string, value: unknown, namespace: string): Promise<boolean> {
    const wanted = bytes(value);
    return this.#with(key, namespace, async (k, c) => {
      const reply = await c.send(`mg ${k} v c`);
      if (reply.status === "EN" || !wanted.equals(dataOf(reply, "deleteIfEquals", key))) return false;
      // The CAS makes the delete miss if the value changed after we compared it.
      return expect(await c.send(`md ${k} C${flag(reply, "c")}`), "deleteIfEquals", key, "HD", "EX", "NF") === "HD";
    });
  }

  /** The memcached key a built key is stored under: itself, plus the generation when namespaced. */
  storedKey(key: string, namespace: string): Promise<string> {
    return this.#with(key, namespace, (stored) => Promise.resolve(stored));
  }

  async close(): Promise<void> {
    await Promise.all(this.#pools.flat().map((c) => c.close()));
  }

  /** Sends a storage command (`ms`) after checking the key and the value's size. */
  #store(key: string, namespace: string, stored: unknown, flags: string): Promise<MemcachedReply> {
    return this.#with(key, namespace, (k, c) => {
      const data = textOrBuffer(stored, "memcached");
      const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
      checkValueSize(key, size, this.settings.itemSize);
      return c.send(`ms ${k} ${size} ${flags}`, data);
    });
  }

  /**
   * Resolves the stored key (with the namespace generation), checks it, and runs `command` on the
   * connection that owns it. Input errors reject before anything is sent.
   */
  #with<T>(
    key: string,
    namespace: string,
    command: (stored: string, connection: MemcachedConnection) => Promise<T>,
  ): Promise<T> {
    const run = (generation: string): Promise<T> => {
      const stored = generation === "" ? key : `${key}#${generation}`;
      try {
        checkKey(stored, key, stored.length - key.length);
        return command(stored, this.#connection(stored));
      } catch (error) {
        return Promise.reject(error);
      }
    };
    if (namespace === "") return run("");
    const generation = this.#generations.current(namespace);
    return typeof generation === "string" ? run(generation) : generation.then(run);
  }

  #connection(key: string): MemcachedConnection {
    const ring = (this.#ring ??= this.#build());
    const pool = ring.get(key);
    return pool.length === 1 ? pool[0]! : pool[this.#turn++ % pool.length]!;
  }

  /** One connection per server, for commands every server must see. */
  #connections(): MemcachedConnection[] {
    this.#ring ??= this.#build();
    return this.#pools.map((pool) => pool[0]!);
  }

  #build(): HashRing<MemcachedConnection[]> {
    this.#pools = this.settings.servers.map(({ host, port }) =>
      Array.from({ length: this.settings.poolSize }, () => new MemcachedConnection(host, port, this.settings.stallMs)),
    );
    return new HashRing(this.#pools.map((pool) => ({ id: pool[0]!.address, value: pool })));
  }

  async #perServer(command: "version" | "stats"): Promise<Record<string, unknown>> {
    const connections = this.#connections();
    const replies = await Promise.all(connections.map((c) => c.send(command, undefined, command === "stats")));
    return Object.fromEntries(
      replies.map((reply, i) => {
        expect(reply, command, "", command === "version" ? "VERSION" : "END");
        const result =
          command === "version"
            ? reply.words[0]
            : Object.fromEntries(reply.lines!.map((line) => line.split(" ") as [string, string]));
        return [connections[i]!.address, result];
      }),
    );
  }
}

/** Checks the reply's status is one of `allowed` and returns it; anything else is a BackendError. */
function expect(reply: MemcachedReply, op: string, key: string, ...allowed: string[]): string {
  if (!allowed.includes(reply.status)) throw unexpected(reply, op, key);
  return reply.status;
}

function unexpected(reply: MemcachedReply, op: string, key: string): BackendError {
  const text = [reply.status, ...reply.words].join(" ");
  return new BackendError("memcached", `memcached ${op}(${JSON.stringify(key)}) failed: ${text}`);
}

function dataOf(reply: MemcachedReply, op: string, key: string): Buffer {
  if (reply.status !== "VA" || reply.value === undefined) throw unexpected(reply, op, key);
  return reply.value;
}

/** A return flag's value (`c42` → `"42"`). */
function flag(reply: MemcachedReply, letter: string): string {
  const word = reply.words.find((w) => w.startsWith(letter));
  if (word === undefined)
    throw new BackendError("memcached", `memcached reply ${reply.status} lacks its ${letter} flag`);
  return word.slice(1);
}

function casToken(reply: MemcachedReply): CasToken {
  const ttl = Number(flag(reply, "t"));
  return { cas: flag(reply, "c"), ttl: ttl === -1 ? 0 : ttl };
}

function bytes(stored: unknown): Buffer {
  const data = textOrBuffer(stored, "memcached");
  return typeof data === "string" ? Buffer.from(data) : data;
}

import net from "node:net";
import { backoffDelay } from "../backoff.js";
import { BackendError } from "../errors.js";

/** One reply of the meta (or plain text) protocol. */
export interface MemcachedReply {
  /** `HD`, `VA`, `EN`, `NS`, `EX`, `NF`, `MN`, `OK`, `VERSION`, `CLIENT_ERROR`, `SERVER_ERROR`, `ERROR`… */
  readonly status: string;
  /** The words after the status (return flags such as `c42`, `t-1`; an error's message). */
  readonly words: readonly string[];
  /** The data block of a `VA` reply, copied out of the socket buffer. */
  readonly value?: Buffer;
  /** The `STAT name value` lines of a `stats` reply. */
  readonly lines?: readonly string[];
}

interface Pending {
  readonly resolve: (reply: MemcachedReply) => void;
  readonly reject: (error: Error) => void;
  /** `stats` replies span lines up to `END`. */
  readonly multiline: boolean;
}

const CRLF = "\r\n";
const NO_WORDS: readonly string[] = [];
/** Reconnect backoff after failed connects: from 50 ms, doubling, up to a second. */
const FIRST_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 1000;
const QUEUE_COMPACT_AT = 1024;

/**
 * One pipelined connection to one memcached server: requests are written back to back (batched per
 * tick) and replies matched in order. It connects on first use and after any failure; after a failed
 * connect, requests fail fast for a short, growing backoff instead of hammering a dead server. A
 * connection that owes replies but receives nothing for `stallMs` is dropped, so nothing waits forever.
 */
export class MemcachedConnection {
  readonly address: string;
  #socket: net.Socket | undefined;
  #pending: Pending[] = [];
  #head = 0;
  #rest: Buffer | undefined;
  #corked = false;
  #lastData = 0;
  #stallTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  #retryAt = 0;
  #lastError: Error | undefined;
  /** close() calls waiting for the replies in flight. */
  #drained: (() => void)[] = [];

  readonly #stallMs: number | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    stallMs: number | undefined,
  ) {
    this.address = `${host}:${port}`;
    this.#stallMs = stallMs;
  }

  /** Requests in flight (written or queued, reply not yet read). */
  get inFlight(): number {
    return this.#pending.length - this.#head;
  }

  /** Sends one request: a command line, plus a data block for storage commands. */
  send(line: string, data?: string | Buffer, multiline = false): Promise<MemcachedReply> {
    if (this.#socket === undefined && Date.now() < this.#retryAt) {
      return Promise.reject(this.#unreachable(this.#lastError));
    }
    const socket = (this.#socket ??= this.#open());
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    if (data === undefined) socket.write(line + CRLF);
    else if (typeof data === "string") socket.write(line + CRLF + data + CRLF);
    else {
      socket.write(line + CRLF);
      socket.write(data);
      socket.write(CRLF);
    }
    return new Promise((resolve, reject) => {
      if (this.inFlight === 0) this.#watch();
      this.#pending.push({ resolve, reject, multiline });
    });
  }

  /**
   * Closes the socket once the requests already sent have their replies (the stall limit bounds the
   * wait). The next request reconnects.
   */
  async close(): Promise<void> {
    const socket = this.#socket;
    if (socket === undefined) return;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.#drained.push(resolve));
    if (this.#socket !== socket) return;
    this.#drop(
      new BackendError(
        "memcached",
        `The connection to memcached ${this.address} was closed by close() before it replied.`,
      ),
    );
    await new Promise<void>((resolve) => socket.once("close", () => resolve()).end());
  }

  #open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    let connected = false;
    socket.on("connect", () => {
      connected = true;
      this.#failures = 0;
    });
    socket.on("data", (chunk: Buffer) => this.#read(chunk));
    socket.on("error", (error) => {
      if (!connected) {
        // A failed connect: back off before the next attempt (requests fail fast meanwhile).
        this.#retryAt = Date.now() + backoffDelay(this.#failures++, FIRST_BACKOFF_MS, MAX_BACKOFF_MS);
      }
      this.#fail(socket, error);
    });
    socket.on("close", () => this.#fail(socket, new Error("connection closed by the server")));
    return socket;
  }

  #fail(socket: net.Socket, cause: Error): void {
    if (this.#socket !== socket) return;
    this.#lastError = cause;
    this.#drop(this.#unreachable(cause));
    socket.destroy();
  }

  #drop(error: BackendError): void {
    this.#socket = undefined;
    this.#rest = undefined;
    clearTimeout(this.#stallTimer);
    this.#stallTimer = undefined;
    const pending = this.#pending.slice(this.#head);
    this.#pending = [];
    this.#head = 0;
    for (const request of pending) request.reject(error);
    this.#settleDrained();
  }

  #unreachable(cause: Error | undefined): BackendError {
    return new BackendError(
      "memcached",
      `memcached ${this.address} is unreachable (${cause?.message ?? "connection failed"}). Check that it is running and ` +
        `the endpoint, port or servers options; the cache reconnects by itself.`,
      { cause },
    );
  }

  /** Arms the stall check: replies are owed from now on. */
  #watch(): void {
    if (this.#stallMs === undefined) return;
    this.#lastData = Date.now();
    if (this.#stallTimer === undefined) this.#stallTimer = setTimeout(() => this.#checkStall(), this.#stallMs).unref();
  }

  #checkStall(): void {
    this.#stallTimer = undefined;
    const socket = this.#socket;
    if (socket === undefined || this.inFlight === 0) return;
    const idle = Date.now() - this.#lastData;
    if (idle < this.#stallMs!) {
      this.#stallTimer = setTimeout(() => this.#checkStall(), this.#stallMs! - idle).unref();
      return;
    }
    this.#fail(socket, new Error(`no reply for ${this.#stallMs} ms; the connection was dropped`));
  }

  #read(chunk: Buffer): void {
    this.#lastData = Date.now();
    let buffer = this.#rest === undefined ? chunk : Buffer.concat([this.#rest, chunk]);
    let pos = 0;
    while (pos < buffer.length) {
      const request = this.#pending[this.#head];
      if (request === undefined) {
        this.#fail(this.#socket!, new Error("memcached sent a reply nobody asked for; the connection was reset"));
        return;
      }
      const consumed = request.multiline ? readLines(buffer, pos) : readReply(buffer, pos);
      if (consumed === undefined) break;
      pos = consumed.end;
      this.#pending[this.#head++] = undefined as unknown as Pending;
      if (this.#head >= QUEUE_COMPACT_AT) {
        this.#pending = this.#pending.slice(this.#head);
        this.#head = 0;
      }
      request.resolve(consumed.reply);
    }
    buffer = buffer.subarray(pos);
    this.#rest = buffer.length > 0 ? buffer : undefined;
    if (this.inFlight === 0) {
      clearTimeout(this.#stallTimer);
      this.#stallTimer = undefined;
      this.#settleDrained();
    }
  }

  #settleDrained(): void {
    const waiting = this.#drained;
    this.#drained = [];
    for (const resolve of waiting) resolve();
  }
}

/** Parses one reply at `pos`; `undefined` until all of it has arrived. */
function readReply(buffer: Buffer, pos: number): { reply: MemcachedReply; end: number } | undefined {
  const eol = buffer.indexOf(CRLF, pos);
  if (eol === -1) return undefined;
  const words = buffer.toString("latin1", pos, eol).split(" ");
  const status = words[0]!;
  if (status !== "VA") return { reply: { status, words: words.length > 1 ? words.slice(1) : NO_WORDS }, end: eol + 2 };
  const start = eol + 2;
  const end = start + Number(words[1]);
  if (buffer.length < end + 2) return undefined;
  // Copy, so a small cached value does not pin the whole socket chunk.
  const value = Buffer.from(buffer.subarray(start, end));
  return { reply: { status, words: words.length > 2 ? words.slice(2) : NO_WORDS, value }, end: end + 2 };
}

/** Parses a `stats`-style reply: lines up to `END` (or a single error line). */
function readLines(buffer: Buffer, pos: number): { reply: MemcachedReply; end: number } | undefined {
  const lines: string[] = [];
  let at = pos;
  for (;;) {
    const eol = buffer.indexOf(CRLF, at);
    if (eol === -1) return undefined;
    const line = buffer.toString("latin1", at, eol);
    at = eol + 2;
    if (line === "END") return { reply: { status: "END", words: NO_WORDS, lines }, end: at };
    if (!line.startsWith("STAT "))
      return { reply: { status: line.split(" ")[0]!, words: line.split(" ").slice(1) }, end: at };
    lines.push(line.slice(5));
  }
}

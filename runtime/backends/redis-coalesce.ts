interface Caller {
  readonly from: number;
  readonly to: number;
  /** One item asked for one result (get), rather than a list (multiGet). */
  readonly single: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch<K extends string> {
  readonly kind: K;
  readonly items: unknown[];
  readonly callers: Caller[];
}

/** How a batch of each kind goes out: one result per item, in order (none for writes). */
export type BatchSenders<K extends string> = Record<K, (items: never[]) => Promise<readonly unknown[]>>;

/**
 * Collects consecutive requests of one kind made during a tick and sends them as one multi-key
 * command, each caller getting the results of its own items: a hundred concurrent GETs become one
 * MGET, one command for the client to build and the server to run instead of a hundred, which is
 * where a pipelined client spends its time.
 *
 * Order is kept: only one batch is open at a time, and a request of another kind, or any other
 * command (`flush()` first), sends the open batch before it, so a GET after a SET still sees it.
 */
export class Coalescer<K extends string> {
  #open: Batch<K> | undefined;
  readonly #senders: BatchSenders<K>;

  constructor(senders: BatchSenders<K>) {
    this.#senders = senders;
  }

  /** Queues one item; resolves its result. */
  one<R>(kind: K, item: unknown): Promise<R> {
    const batch = this.#batch(kind);
    const from = batch.items.length;
    batch.items.push(item);
    return new Promise((resolve, reject) =>
      batch.callers.push({ from, to: from + 1, single: true, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** Queues several items; resolves their results in order. */
  many<R>(kind: K, items: readonly unknown[]): Promise<R[]> {
    const batch = this.#batch(kind);
    const from = batch.items.length;
    for (const item of items) batch.items.push(item);
    const to = batch.items.length;
    return new Promise((resolve, reject) =>
      batch.callers.push({ from, to, single: false, resolve: resolve as (value: unknown) => void, reject }),
    );
  }

  /** Sends the open batch now, so a command sent next keeps its place in order. */
  flush(): void {
    const batch = this.#open;
    if (batch === undefined) return;
    this.#open = undefined;
    const send = this.#senders[batch.kind] as (items: unknown[]) => Promise<readonly unknown[]>;
    let sent: Promise<readonly unknown[]>;
    try {
      sent = send(batch.items);
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (results) => {
        for (const c of batch.callers) c.resolve(c.single ? results[c.from] : results.slice(c.from, c.to));
      },
      (error: unknown) => {
        for (const c of batch.callers) c.reject(error);
      },
    );
  }

  /** The open batch of this kind; another kind's is sent first, and a new batch is sent at the end of the tick. */
  #batch(kind: K): Batch<K> {
    if (this.#open !== undefined && this.#open.kind === kind) return this.#open;
    this.flush();
    const batch: Batch<K> = { kind, items: [], callers: [] };
    this.#open = batch;
    process.nextTick(() => {
      if (this.#open === batch) this.flush();
    });
    return batch;
  }
}

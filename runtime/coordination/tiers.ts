import { after, type Backend, type MaybePromise, type TtlMs } from "../backends/backend.js";
import type { BusTransport } from "../backends/bus-transport.js";
import type { OperationOptions, SetOptions } from "../cache-options.js";
import { BackendError, KeyExistsError } from "../errors.js";
import { breakerChannel, busChannel, type BusEvent } from "../events.js";
import type { Operation } from "../operations.js";
import type { Watch } from "../pipeline/observe.js";
import type { StoreCall } from "../pipeline/pipeline.js";
import { EnvelopeEntry } from "../serializers/envelope.js";
import { CircuitBreaker } from "./breaker.js";
import { Bus } from "./bus/bus.js";
import type { Invalidation } from "./bus/protocol.js";
import type { EntryLayout } from "./entry-layout.js";
import type { LocalTier } from "./local-tier.js";
import { jittered, type Policy } from "./policy.js";
import { TagClock, tagKey, type TagStore } from "./tags.js";

const NO_KEYS: readonly string[] = [];

/** What a cache lends its coordination: the pipeline's steps (plugins, events, deadline) and key layout. */
export interface CacheAccess {
  readonly backend: Backend;
  readonly namespace: string;
  readonly alias: string | undefined;
  buildKey(key: string, namespace: string): string;
  run<R>(
    op: Operation,
    args: readonly unknown[],
    options: OperationOptions | undefined,
    rawKey: string | undefined,
    rawKeys: readonly string[],
    call: StoreCall<R>,
  ): Promise<R>;
  ttlOf(options: SetOptions | undefined): TtlMs;
  /** True when `get` has no plugin hook and no listener, so a local hit may skip the pipeline's steps. */
  quietGet(): boolean;
  /** `decode()` of a stored value under the alias's `on_bad_value` policy (a bad value may read as a miss). */
  decodeStored<T>(
    k: string,
    ns: string,
    stored: unknown,
    decode: () => T,
    watch: Watch | undefined,
  ): MaybePromise<T | undefined>;
}

/** What the tiers need to know, resolved from the cache's options. */
export interface TiersSettings {
  readonly layout: EntryLayout<unknown>;
  /** The alias's policies (grace decides how long entries are kept past their TTL). */
  readonly policy: Policy;
  readonly breaker?: { readonly breakMs: number; readonly probe: () => Promise<unknown> } | undefined;
  readonly local?: LocalTier<unknown> | undefined;
  readonly bus?:
    | { readonly group: string; readonly heartbeatMs: number; readonly transport: () => Promise<BusTransport> }
    | undefined;
  /** Where tag times live, when the alias has `tags`. */
  readonly tagStore?: TagStore | undefined;
  readonly tagCheckMs: number;
}

/** An entry is fresh until its logical expiry, unless marked stale. */
export function isFresh(entry: EnvelopeEntry, now: number): boolean {
  return !entry.stale && (entry.expiresAt === undefined || now < entry.expiresAt);
}

/**
 * A cache's tiers: the local tier (if any) in front of the store, the bus that keeps other
 * processes' local tiers honest, the circuit breaker that skips a failing store, the tag clock,
 * and the entry layout. Reads look locally first, then in the store (filling the local tier);
 * writes go to the store, then the local tier, then the bus.
 */
export class Tiers<V> {
  readonly policy: Policy;
  readonly layout: EntryLayout<V>;
  readonly #access: CacheAccess;
  readonly #local: LocalTier<V> | undefined;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #clock: TagClock | undefined;
  readonly #busSettings: TiersSettings["bus"];
  readonly #tagCheckMs: number;
  #bus: Bus | undefined;
  #busStart: Promise<void> | undefined;
  /** The local tier may be read and filled: there is one, and no bus or an up one (kept as a flag for the hot path). */
  #localTrusted: boolean;
  /**
   * Built keys of recent local reads by key (key builders are pure): a hit then looks up a string
   * whose hash is already known instead of concatenating and hashing a new one, which costs more
   * than the rest of the hit. Dropped whole when it outgrows the local tier.
   */
  readonly #builtKeys = new Map<string, string>();

  constructor(access: CacheAccess, settings: TiersSettings) {
    this.#access = access;
    this.policy = settings.policy;
    this.layout = settings.layout as EntryLayout<V>;
    this.#local = settings.local as LocalTier<V> | undefined;
    this.#busSettings = settings.bus;
    this.#tagCheckMs = settings.tagCheckMs;
    this.#localTrusted = this.#local !== undefined && this.#busSettings === undefined;
    if (settings.breaker !== undefined) {
      const backend = access.backend.name;
      this.#breaker = new CircuitBreaker({
        ...settings.breaker,
        onStateChange: (state, previous) => {
          if (breakerChannel.hasSubscribers) breakerChannel.publish({ alias: access.alias, backend, state, previous });
        },
      });
    }
    if (settings.tagStore !== undefined) {
      this.#clock = new TagClock({
        store: settings.tagStore,
        keyOf: (tag) => access.buildKey(tagKey(tag), access.namespace),
        checkIntervalMs: settings.tagCheckMs,
      });
    }
  }

  /** Whether the alias accepts tags. */
  get tagged(): boolean {
    return this.#clock !== undefined;
  }

  /** The bus, once started (for diagnostics and tests). */
  get bus(): Bus | undefined {
    return this.#bus;
  }

  /** The circuit breaker's state, `undefined` without one. */
  get breakerState(): CircuitBreaker["state"] | undefined {
    return this.#breaker?.state;
  }

  /** Starts the bus on first use; resolves once it has subscribed (or failed its first attempt, which it retries). */
  ready(): Promise<void> {
    const settings = this.#busSettings;
    if (settings === undefined) return Promise.resolve();
    this.#busStart ??= settings.transport().then((transport) => {
      const bus = new Bus({
        transport,
        group: settings.group,
        heartbeatMs: settings.heartbeatMs,
        onMessage: (message) => this.#receive(message, bus),
        onRecover: (reason) => {
          this.#local?.clear();
          this.#clock?.reset();
          this.#report("recover", reason, bus);
        },
        onState: (state, reason) => {
          this.#localTrusted = this.#local !== undefined && state === "up";
          if (this.#clock !== undefined) this.#clock.checkIntervalMs = state === "up" ? Infinity : this.#tagCheckMs;
          this.#report(state, reason, bus);
        },
      });
      this.#bus = bus;
      return bus.start();
    });
    // A transport that could not even be made (no connection yet) is tried again at the next use.
    this.#busStart.catch(() => {
      if (this.#bus === undefined) this.#busStart = undefined;
    });
    return this.#busStart;
  }

  /** Reads a value: fresh entries only. With the breaker open, a miss. */
  get(key: string, options: OperationOptions | undefined): Promise<V | undefined> {
    this.#use();
    if (options === undefined && this.#localTrusted) {
      try {
        const hit = this.#access.quietGet() ? this.#localHit(this.#builtKey(key)) : undefined;
        if (hit !== undefined) return Promise.resolve(hit.value);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#tracked(
      this.#access.run("get", [key, options], options, key, NO_KEYS, (k, ns, _, watch) => {
        const now = Date.now();
        return after(this.lookup(k, ns, false, true, watch), (entry) =>
          entry !== undefined && isFresh(entry, now) ? entry.value : undefined,
        );
      }),
    );
  }

  /** Reads many keys; fresh entries only, in the order of `keys`. */
  multiGet(keys: readonly string[], options: OperationOptions | undefined): Promise<(V | undefined)[]> {
    this.#use();
    return this.#tracked(
      this.#access.run("multiGet", [keys, options], options, undefined, keys, async (_, ns, built, watch) => {
        const now = Date.now();
        const found: (EnvelopeEntry<V> | undefined)[] = built.map((k) => this.#localHit(k));
        const missing = built.flatMap((k, i) => (found[i] === undefined ? [i] : []));
        if (missing.length > 0 && this.#allowed()) {
          const epoch = this.#local?.beginRead();
          const remote = this.#access.backend.multiGet(
            missing.map((i) => built[i]!),
            ns,
          );
          const stored = await this.#filled(remote, epoch);
          const entries = await Promise.all(
            missing.map((i, j) => Promise.resolve(this.#decoded(built[i]!, ns, stored[j], watch))),
          );
          missing.forEach((i, j) => {
            found[i] = entries[j];
            if (epoch !== undefined) this.#fill(built[i]!, entries[j], epoch);
          });
          if (epoch !== undefined) this.#local!.endRead();
        }
        return found.map((entry) => (entry !== undefined && isFresh(entry, now) ? entry.value : undefined));
      }),
    );
  }

  /** Stores a value with the alias's TTL (or the call's), tags and jitter. */
  set(key: string, value: V, options: SetOptions | undefined, op: "set" | "add" = "set"): Promise<true> {
    this.#use();
    return this.#tracked(
      this.#access.run(op, [key, value, options], options, key, NO_KEYS, (k, ns) =>
        this.write(
          k,
          ns,
          value,
          { createdAt: Date.now(), ttlMs: this.#access.ttlOf(options), tags: options?.tags },
          op,
        ),
      ),
    );
  }

  /** Stores many values; with jitter or tags each key is its own write (the TTLs differ). */
  multiSet(pairs: readonly (readonly [string, V])[], options: SetOptions | undefined): Promise<true> {
    this.#use();
    const keys = pairs.map(([key]) => key);
    return this.#tracked(
      this.#access.run("multiSet", [pairs, options], options, undefined, keys, async (_, ns, built) => {
        const createdAt = Date.now();
        const meta = { createdAt, ttlMs: this.#access.ttlOf(options), tags: options?.tags };
        this.#gate();
        await this.#ensureTags(meta.tags, createdAt);
        const entries = pairs.map(([, value]) => this.#entry(value, meta));
        if (this.policy.jitterMs > 0) {
          await Promise.all(
            built.map((k, i) =>
              Promise.resolve(
                this.#access.backend.set(k, this.layout.encode(k, entries[i]!), this.#physical(entries[i]!), ns),
              ),
            ),
          );
        } else {
          const encoded = built.map((k, i) => [k, this.layout.encode(k, entries[i]!)] as const);
          await this.#access.backend.multiSet(encoded, this.#physical(entries[0]!), ns);
        }
        built.forEach((k, i) => this.#keepLocal(k, entries[i]!));
        this.#publish({ op: "set", ns, keys: built });
        return true as const;
      }),
    );
  }

  /** Deletes a key everywhere: the store, this process's local tier, other processes' (bus). */
  delete(key: string, options: OperationOptions | undefined): Promise<0 | 1> {
    this.#use();
    return this.#tracked(
      this.#access.run("delete", [key, options], options, key, NO_KEYS, (k, ns) => {
        this.#gate();
        return after(this.#access.backend.delete(k, ns), (n) => {
          this.#local?.drop([k]);
          this.#publish({ op: "delete", ns, keys: [k] });
          return n > 0 ? (1 as const) : (0 as const);
        });
      }),
    );
  }

  /** Clears the namespace in the store, the local tier and other processes' local tiers. */
  clear(options: OperationOptions | undefined): Promise<true> {
    this.#use();
    return this.#tracked(
      this.#access.run("clear", [options], options, undefined, NO_KEYS, (_, ns) => {
        this.#gate();
        return after(this.#access.backend.clear(ns), () => {
          this.#local?.clear();
          this.#clock?.reset();
          this.#publish({ op: "clear", ns });
          return true as const;
        });
      }),
    );
  }

  /**
   * Invalidates every entry carrying any of `tags`, in every process: each tag's time is raised
   * in the store (one small key per tag) and published; entries are checked against it on read.
   */
  async deleteByTag(tags: readonly string[]): Promise<true> {
    this.#use();
    const clock = this.#requireTags(tags);
    if (tags.length === 0) return true;
    this.#gate();
    const ts = await this.#tracked(clock.invalidate(tags));
    this.#publish({ op: "tags", ns: this.#access.namespace, tags, ts });
    return true;
  }

  /**
   * The entry under a built key, fresh or not, valid against its tags: the local copy when it is
   * fresh and the local tier may be trusted, else the store's (which then fills the local tier).
   * Rejects with the store's availability error; with the breaker open it is a miss, unless
   * `strict`, which rejects with a `BackendError` instead (`getOrSet` then knows the store is down).
   */
  lookup(
    k: string,
    ns: string,
    strict: boolean,
    useBreaker = true,
    watch?: Watch,
  ): MaybePromise<EnvelopeEntry<V> | undefined> {
    this.#use();
    const local = this.#localHit(k);
    if (local !== undefined) return local;
    if (useBreaker && !this.#allowed()) {
      if (strict) throw this.#skipped();
      return undefined;
    }
    const epoch = this.#local?.beginRead();
    const stored = this.#access.backend.get(k, ns);
    const entry = after(this.#filled(stored, epoch), (s) => this.#decoded(k, ns, s, watch));
    if (epoch === undefined) return entry;
    return after(entry, (e) => {
      this.#fill(k, e, epoch);
      this.#local!.endRead();
      return e;
    });
  }

  /**
   * {@link lookup} as one `get` operation of the pipeline (plugins, events, deadline), for
   * `getOrSet`: fresh or stale, and rejecting when the store is down or skipped.
   */
  read(key: string, options: OperationOptions | undefined, useBreaker: boolean): Promise<EnvelopeEntry<V> | undefined> {
    return this.#tracked(
      this.#access.run("get", [key, options], options, key, NO_KEYS, (k, ns, _, watch) =>
        this.lookup(k, ns, true, useBreaker, watch),
      ),
    );
  }

  /** {@link write} as one `set` operation of the pipeline, for `getOrSet`. */
  store(
    key: string,
    value: V,
    meta: { readonly createdAt: number; readonly ttlMs: TtlMs; readonly tags: readonly string[] | undefined },
    options: SetOptions | undefined,
    useBreaker: boolean,
  ): Promise<true> {
    return this.#tracked(
      this.#access.run("set", [key, value, options], options, key, NO_KEYS, (k, ns) =>
        this.write(k, ns, value, meta, "set", useBreaker),
      ),
    );
  }

  /** The local copy of a built key, stale or not and whether or not the bus is up: a fail-safe fallback. */
  localCopy(k: string): EnvelopeEntry<V> | undefined {
    return this.#local?.get(k);
  }

  /** True when a call may use the store (the breaker is closed, or the call opts out of it). */
  storeAllowed(bypass: boolean): boolean {
    return bypass || this.#allowed();
  }

  /** Reports a failed store call to the breaker. */
  failed(error: unknown): void {
    this.#breaker?.failure(error);
  }

  /**
   * Writes an entry (built key `k`): tag keys made sure of, the store, then the local tier and
   * the bus. `createdAt` is when the value's data was read (a loader's start), for tags.
   */
  write(
    k: string,
    ns: string,
    value: V,
    meta: { readonly createdAt: number; readonly ttlMs: TtlMs; readonly tags: readonly string[] | undefined },
    op: "set" | "add" = "set",
    useBreaker = true,
  ): Promise<true> {
    if (useBreaker) this.#gate();
    const entry = this.#entry(value, meta);
    const stored = this.layout.encode(k, entry);
    const physical = this.#physical(entry);
    const written = this.#ensureTags(meta.tags, meta.createdAt).then(() =>
      op === "add"
        ? after(this.#access.backend.add(k, stored, physical, ns), (added) => {
            if (!added) throw new KeyExistsError(k);
          })
        : this.#access.backend.set(k, stored, physical, ns),
    );
    return written.then(() => {
      this.#keepLocal(k, entry);
      this.#publish({ op: "set", ns, keys: [k] });
      return true as const;
    });
  }

  /** Stops the bus and the local tier's sweep. */
  async close(): Promise<void> {
    const bus = this.#bus;
    this.#bus = undefined;
    this.#busStart = undefined;
    this.#localTrusted = this.#local !== undefined && this.#busSettings === undefined;
    this.#local?.clear();
    await bus?.close();
  }

  /** Starts the bus at the first use. Its failure is not fatal: the transport keeps trying, and until the bus is up the local tier is bypassed. */
  #use(): void {
    if (this.#busSettings !== undefined && this.#busStart === undefined) this.ready().catch(() => undefined);
  }

  #builtKey(key: string): string {
    const known = this.#builtKeys.get(key);
    if (known !== undefined) return known;
    const built = this.#access.buildKey(key, this.#access.namespace);
    if (this.#builtKeys.size >= this.#local!.maxSize) this.#builtKeys.clear();
    this.#builtKeys.set(key, built);
    return built;
  }

  /** A fresh local entry that the local tier may serve (it may not while the bus is down), valid against its tags. */
  #localHit(k: string): EnvelopeEntry<V> | undefined {
    if (!this.#localTrusted) return undefined;
    const now = Date.now();
    const entry = this.#local!.get(k, now);
    if (entry === undefined || !isFresh(entry, now)) return undefined;
    if (entry.tags.length === 0 || this.#clock === undefined) return entry;
    return this.#clock.isValid(entry.createdAt, entry.tags) === true ? entry : undefined;
  }

  /** An entry read from the store, `undefined` when a tag invalidated it (tag-invalidated entries count as deleted). */
  /** The entry stored at `k`, decoded under the alias's bad-value policy, unless its tags were invalidated. */
  #decoded(
    k: string,
    ns: string,
    stored: unknown,
    watch: Watch | undefined,
  ): MaybePromise<EnvelopeEntry<V> | undefined> {
    return after(
      this.#access.decodeStored(k, ns, stored, () => this.layout.decode(k, stored), watch),
      (entry) => this.#checked(entry),
    );
  }

  #checked(entry: EnvelopeEntry<V> | undefined): MaybePromise<EnvelopeEntry<V> | undefined> {
    if (entry === undefined || entry.tags.length === 0 || this.#clock === undefined) return entry;
    return after(this.#clock.isValid(entry.createdAt, entry.tags), (valid) => (valid ? entry : undefined));
  }

  #entry(
    value: V,
    meta: { readonly createdAt: number; readonly ttlMs: TtlMs; readonly tags: readonly string[] | undefined },
  ): EnvelopeEntry<V> {
    const tags = meta.tags ?? [];
    if (tags.length > 0) this.#requireTags(tags);
    const ttl = jittered(meta.ttlMs, this.policy.jitterMs);
    return new EnvelopeEntry(value, meta.createdAt, ttl === null ? undefined : Date.now() + ttl, tags);
  }

  /** The TTL the store gets: until the logical expiry plus grace, so a stale value is still there to fall back on. */
  #physical(entry: EnvelopeEntry<V>): TtlMs {
    if (entry.expiresAt === undefined) return null;
    return Math.max(1, entry.expiresAt - Date.now() + (this.layout.layout === "envelope" ? this.policy.graceMs : 0));
  }

  #keepLocal(k: string, entry: EnvelopeEntry<V>): void {
    const local = this.#local;
    if (local === undefined) return;
    if (!this.#localTrusted) local.drop([k]);
    else local.set(k, entry, this.#physical(entry));
  }

  #fill(k: string, entry: EnvelopeEntry<V> | undefined, epoch: number): void {
    if (!this.#localTrusted) return;
    this.#local!.fill(k, entry, epoch, entry === undefined ? null : this.#physical(entry));
  }

  /** A store read, with the local tier told when it ended in failure (no fill then). */
  #filled<T>(stored: MaybePromise<T>, epoch: number | undefined): MaybePromise<T> {
    if (epoch === undefined || !(stored instanceof Promise)) return stored;
    return stored.catch((error: unknown) => {
      this.#local!.endRead();
      throw error;
    });
  }

  #ensureTags(tags: readonly string[] | undefined, createdAt: number): Promise<void> {
    if (tags === undefined || tags.length === 0) return Promise.resolve();
    return this.#requireTags(tags).ensure(tags, createdAt);
  }

  #requireTags(tags: readonly string[]): TagClock {
    if (this.#clock === undefined) throw this.untagged(tags);
    return this.#clock;
  }

  /** The error for tags given to a cache without `tags`. */
  untagged(tags: readonly string[]): TypeError {
    const alias = this.#access.alias;
    return new TypeError(
      `tags ${JSON.stringify(tags)} need "tags": true on the cache${alias === undefined ? "" : ` (alias ${alias})`}: tagged entries are stored in an envelope`,
    );
  }

  #allowed(): boolean {
    return this.#breaker === undefined || this.#breaker.allows();
  }

  /** Throws when the breaker skips the store. */
  #gate(): void {
    if (!this.#allowed()) throw this.#skipped();
  }

  #skipped(): BackendError {
    const backend = this.#access.backend.name;
    return new BackendError(
      backend,
      `${backend} is skipped: it failed and its circuit breaker is open. Calls use it again once a background probe succeeds (circuit_breaker sets how long to wait before probing).`,
    );
  }

  /** A store call's result, with its availability failure (a timeout included) reported to the breaker. */
  #tracked<T>(work: Promise<T>): Promise<T> {
    const breaker = this.#breaker;
    if (breaker === undefined) return work;
    return work.catch((error: unknown) => {
      breaker.failure(error);
      throw error;
    });
  }

  #publish(invalidation: Invalidation): void {
    void this.#bus?.publish(invalidation);
  }

  #receive(message: Invalidation, bus: Bus): void {
    const local = this.#local;
    switch (message.op) {
      case "set":
        if (this.policy.graceMs > 0) local?.markStale(message.keys);
        else local?.drop(message.keys);
        break;
      case "delete":
        local?.drop(message.keys);
        break;
      case "clear":
        local?.clear();
        break;
      case "tags":
        if (message.ns === this.#access.namespace) this.#clock?.apply(message.tags, message.ts);
        break;
    }
    this.#report("message", message.op, bus, message);
  }

  #report(event: BusEvent["event"], reason: string, bus: Bus, invalidation?: Invalidation): void {
    if (busChannel.hasSubscribers) {
      const report: BusEvent = { alias: this.#access.alias, channel: bus.channel, event, reason, invalidation };
      busChannel.publish(report);
    }
  }
}

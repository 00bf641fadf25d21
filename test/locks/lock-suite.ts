import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { OptimisticLock, OptimisticLockError, RedLock, type AnyCache, type CacheOptions } from "../../runtime/index.js";
import { sleepPastExpiry, type ExpiryTiming } from "../helpers/conformance.js";
import { gate, stopwatch, withinWindow } from "../helpers/timing.js";
import { numbersOnly } from "../helpers/validators.js";

/** What the lock suite needs from a backend's test file; a lease expires as an entry's TTL does. */
export interface LockTarget extends ExpiryTiming {
  readonly name: string;
  /** Two caches on one store, each with its own in-process single-flight: two processes, as far as locks can tell. */
  createPeers(options: CacheOptions): readonly [AnyCache, AnyCache];
}

/** Registers the lock tests (RedLock, OptimisticLock, getOrSet with a lease) for one backend. */
export function describeLocks(target: LockTarget): void {
  const peers = (options: CacheOptions = {}) =>
    target.createPeers({ namespace: `l-${randomUUID().slice(0, 8)}`, ...options });
  const one = (options?: CacheOptions) => peers(options)[0];
  // Leases must outlast the backend's TTL granularity to mean anything.
  const leaseMs = Math.max(200, target.ttlResolutionMs);
  const lease = leaseMs / 1000;

  describe(`${target.name}: RedLock`, () => {
    it("lets exactly one of many contenders in, and the next one after release", async () => {
      const cache = one();
      const locks = Array.from({ length: 10 }, () => new RedLock(cache, "k", 10));
      const won = await Promise.all(locks.map((lock) => lock.acquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
      const holder = locks[won.indexOf(true)]!;
      const other = locks[won.indexOf(false)]!;
      expect(await other.acquire()).toBe(false);
      expect(await holder.release()).toBe(true);
      expect(await other.acquire()).toBe(true);
      await other.release();
    });

    it("releases on scope exit with await using", async () => {
      const cache = one();
      {
        await using lock = new RedLock(cache, "k", 10);
        expect(await lock.acquire()).toBe(true);
        expect(await new RedLock(cache, "k", 10).acquire()).toBe(false);
      }
      const next = new RedLock(cache, "k", 10);
      expect(await next.acquire()).toBe(true);
      await next.release();
    });

    it("lets the lease expire; the old owner then never releases the new owner's lock", async () => {
      await withinWindow(leaseMs, async (windowMs) => {
        const cache = one();
        const old = new RedLock(cache, "k", windowMs / 1000);
        const elapsed = stopwatch();
        expect(await old.acquire()).toBe(true);
        const heldAtFirst = old.held;
        // Held is certain only while the lease has not run out since before acquire() was sent.
        if (elapsed() >= windowMs) return false;
        expect(heldAtFirst).toBe(true);
        await sleepPastExpiry(target, windowMs);
        expect(old.held).toBe(false);
        const current = new RedLock(cache, "k", 10);
        expect(await current.acquire()).toBe(true);
        expect(await old.release()).toBe(false);
        expect(await new RedLock(cache, "k", 10).acquire()).toBe(false);
        expect(await current.release()).toBe(true);
        return true;
      });
    });

    it("compare-and-deletes: another owner's token leaves the lock in place", async () => {
      const cache = one();
      const lock = new RedLock(cache, "k", 10);
      await lock.acquire();
      expect(await cache.releaseLease(lock.key, randomUUID())).toBe(false);
      const rival = new RedLock(cache, "k", 10);
      expect(await rival.acquire()).toBe(false);
      expect(await rival.release()).toBe(false);
      expect(await lock.release()).toBe(true);
      expect(await lock.release()).toBe(false);
      expect(await rival.acquire()).toBe(true);
      await rival.release();
    });

    it("waits for the holder with acquire({ wait }), and gives up when wait runs out", async () => {
      const cache = one();
      const holder = new RedLock(cache, "k", 60);
      await holder.acquire();
      let elapsed = stopwatch();
      expect(await new RedLock(cache, "k", 10).acquire({ wait: 0.15 })).toBe(false);
      expect(elapsed()).toBeGreaterThanOrEqual(140);
      // Released 100 ms from now; the waiter gets the lock then, long before its wait runs out.
      setTimeout(() => void holder.release(), 100);
      elapsed = stopwatch();
      const waiter = new RedLock(cache, "k", 10);
      expect(await waiter.acquire({ wait: 60 })).toBe(true);
      expect(elapsed()).toBeGreaterThanOrEqual(90);
      await waiter.release();
    });

    it("stores its token raw, so a cache whose values fail a schema validator still locks", async () => {
      const cache = one({ validator: numbersOnly });
      await expect(cache.set("v", "text")).rejects.toMatchObject({ code: "E_VALUE_INVALID" });
      const lock = new RedLock(cache, "k", 10);
      expect(await lock.acquire()).toBe(true);
      expect(await cache.exists("k-lock")).toBe(true);
      expect(await lock.release()).toBe(true);
      expect(await cache.exists("k-lock")).toBe(false);
    });

    it("refuses a lease that would never expire", () => {
      const cache = one();
      for (const bad of [0, null]) {
        expect(() => new RedLock(cache, "k", bad)).toThrow(
          new RangeError(`lease must be a positive duration, got ${bad}`),
        );
      }
    });
  });

  describe(`${target.name}: OptimisticLock`, () => {
    it("writes when nobody wrote since read()", async () => {
      const cache = one();
      await cache.set("k", { n: 1 });
      const lock = new OptimisticLock(cache, "k");
      expect(await lock.read()).toEqual({ n: 1 });
      expect(await lock.cas({ n: 2 })).toBe(true);
      expect(await cache.get("k")).toEqual({ n: 2 });
    });

    it("throws OptimisticLockError (E_CAS) and writes nothing when the value changed", async () => {
      const [cache, peer] = peers();
      await cache.set("k", 1);
      const lock = new OptimisticLock(cache, "k");
      await lock.read();
      await peer.set("k", 2);
      const error = await lock.cas(3).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OptimisticLockError);
      expect(error).toMatchObject({
        code: "E_CAS",
        key: "k",
        message: 'Value of key "k" changed since the lock read it; nothing was written. Read it again and retry.',
      });
      expect(await cache.get("k")).toBe(2);
    });

    it("treats an absent key as a version: a rival's add in between makes cas fail", async () => {
      const cache = one();
      const first = new OptimisticLock(cache, "k");
      const second = new OptimisticLock(cache, "k");
      expect(await first.read()).toBeUndefined();
      expect(await second.read()).toBeUndefined();
      expect(await first.cas("mine")).toBe(true);
      await expect(second.cas("theirs")).rejects.toMatchObject({ code: "E_CAS" });
      expect(await cache.get("k")).toBe("mine");
    });

    it("refuses cas() before read()", async () => {
      const lock = new OptimisticLock(one(), "k");
      await expect(lock.cas(1)).rejects.toThrow(new TypeError('OptimisticLock("k"): call read() before cas()'));
    });
  });

  describe(`${target.name}: getOrSet with a lease lock`, () => {
    const slowLoader = (runs: { count: number }, ms: number, value: unknown) => async () => {
      runs.count++;
      await sleep(ms);
      return value;
    };

    /** Resolves once the holder's lease is in the store, so a second caller is sure to wait behind it. */
    const leaseTaken = async (cache: AnyCache) => {
      while (!(await cache.exists("k-lock"))) await sleep(5);
    };

    it("shares one loader run between peers that do not share in-process single-flight", async () => {
      const [a, b] = peers();
      const runs = { count: 0 };
      const load = slowLoader(runs, 150, { v: 1 });
      const calls = [
        ...Array.from({ length: 10 }, () => a.getOrSet("k", load, { lock: "lease", lease: 60 })),
        ...Array.from({ length: 10 }, () => b.getOrSet("k", load, { lock: "redis", lease: 60 })),
      ];
      expect(await Promise.all(calls)).toEqual(Array.from({ length: 20 }, () => ({ v: 1 })));
      expect(runs.count).toBe(1);
      expect(await a.exists("k-lock")).toBe(false);
    });

    it("without the lock, the same peers load once each (what the lock prevents)", async () => {
      const [a, b] = peers();
      const runs = { count: 0 };
      const bothLoading = gate();
      // Each loader waits for the other to start, so neither can store its value first.
      const load = async () => {
        if (++runs.count === 2) bothLoading.open();
        await bothLoading.opened;
        return "v";
      };
      await Promise.all([a.getOrSet("k", load), b.getOrSet("k", load)]);
      expect(runs.count).toBe(2);
    });

    it("lets a waiter load when the holder's loader fails, and caches nothing from the failure", async () => {
      const [a, b] = peers();
      const failing = async () => {
        await sleep(100);
        throw new Error("db down");
      };
      const runs = { count: 0 };
      const holder = a.getOrSet("k", failing, { lock: "lease", lease: 60 });
      await leaseTaken(a);
      const waiter = b.getOrSet("k", slowLoader(runs, 10, "recovered"), { lock: "lease", lease: 60 });
      await expect(holder).rejects.toThrow("db down");
      expect(await waiter).toBe("recovered");
      expect(runs.count).toBe(1);
    });

    it("stops waiting after one lease when the holder overruns it, and loads itself", async () => {
      const [a, b] = peers();
      const runs = { count: 0 };
      const holderMayFinish = gate();
      const sinceHolderStarted = stopwatch();
      const holder = a.getOrSet(
        "k",
        async () => {
          runs.count++;
          await holderMayFinish.opened;
          return "late";
        },
        { lock: "lease", lease },
      );
      await leaseTaken(a);
      // The holder is still loading (its gate is shut) when the waiter gives up on it and loads.
      expect(await b.getOrSet("k", slowLoader(runs, 10, "own"), { lock: "lease", lease })).toBe("own");
      // The lease was taken after the stopwatch started, and the waiter's own wait of a lease began
      // later still: either way it waited a whole lease (timers round to the millisecond).
      expect(sinceHolderStarted()).toBeGreaterThanOrEqual(leaseMs - 2);
      expect(runs.count).toBe(2);
      holderMayFinish.open();
      expect(await holder).toBe("late");
    });
  });
}

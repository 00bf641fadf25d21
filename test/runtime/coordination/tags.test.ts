import { describe, expect, it } from "vitest";
import { memoryTagStore } from "../../../runtime/coordination/tag-stores.js";
import { TagClock, tagKey, type TagStore } from "../../../runtime/coordination/tags.js";

/** A store that counts its reads, on a clock the test moves. */
function harness(checkIntervalMs = 1000, store: TagStore = memoryTagStore()) {
  let now = 1_000_000;
  const reads: string[][] = [];
  const counted: TagStore = {
    multiGet: (keys) => {
      reads.push([...keys]);
      return store.multiGet(keys);
    },
    add: (key, ts) => store.add(key, ts),
    setIfGreater: (key, ts) => store.setIfGreater(key, ts),
  };
  const clock = new TagClock({ store: counted, checkIntervalMs, now: () => now });
  return {
    clock,
    store,
    reads,
    advance: (ms: number) => (now += ms),
    get now() {
      return now;
    },
  };
}

describe("tag clock", () => {
  it("answers at once for an entry without tags", () => {
    const { clock, reads } = harness();
    expect(clock.isValid(0, [])).toBe(true);
    expect(reads).toEqual([]);
  });

  it("reads every unknown tag in one multi-get, and then answers from memory", async () => {
    const h = harness();
    for (const tag of ["a", "b", "c"]) await h.store.add(tagKey(tag), 1);
    expect(await h.clock.isValid(h.now, ["a", "b", "c"])).toBe(true);
    expect(h.reads).toEqual([[tagKey("a"), tagKey("b"), tagKey("c")]]);
    expect(h.clock.isValid(h.now, ["c", "a"])).toBe(true); // synchronous: no promise
    expect(h.reads).toHaveLength(1);
  });

  it("shares one read between concurrent checks of the same tag", async () => {
    const h = harness();
    await h.store.add(tagKey("t"), 1);
    const checks = Array.from({ length: 20 }, async () => h.clock.isValid(h.now, ["t"]));
    expect(await Promise.all(checks)).toEqual(Array(20).fill(true));
    expect(h.reads).toEqual([[tagKey("t")]]);
  });

  it("invalidates every entry created up to deleteByTag's time, and none created after", async () => {
    const h = harness();
    const created = h.now;
    await h.clock.ensure(["org:7"], created);
    expect(h.clock.isValid(created, ["org:7"])).toBe(true);
    h.advance(10);
    const ts = await h.clock.invalidate(["org:7"]);
    expect(ts).toBe(h.now);
    expect(h.clock.isValid(created, ["org:7", "other"])).toBe(false); // decided without reading "other"
    expect(h.clock.isValid(ts, ["org:7"])).toBe(false); // same millisecond: invalid, never stale
    h.advance(1);
    expect(h.clock.isValid(h.now, ["org:7"])).toBe(true);
    expect(await h.store.multiGet([tagKey("org:7")])).toEqual([ts]);
  });

  it("never lowers a tag's time: a later invalidation from a clock ahead of ours wins", async () => {
    const h = harness();
    await h.store.setIfGreater(tagKey("t"), h.now + 5000);
    await h.clock.invalidate(["t"]);
    expect(await h.store.multiGet([tagKey("t")])).toEqual([h.now + 5000]);
    expect(h.clock.isValid(h.now + 4000, ["t"])).toBe(false);
    expect(h.clock.isValid(h.now + 5001, ["t"])).toBe(true);
  });

  it("sees another process's deleteByTag once the check interval has passed", async () => {
    const h = harness(1000);
    const created = h.now;
    await h.clock.ensure(["t"], created);
    const other = new TagClock({ store: h.store, now: () => h.now });
    h.advance(10);
    await other.invalidate(["t"]);
    expect(h.clock.isValid(created, ["t"])).toBe(true); // trusted within the interval
    h.advance(990);
    expect(await h.clock.isValid(created, ["t"])).toBe(false);
  });

  it("trusts times forever at Infinity (a healthy bus) and reads every time at 0", async () => {
    const forever = harness(Infinity);
    await forever.clock.ensure(["t"], forever.now);
    forever.advance(1e9);
    expect(forever.clock.isValid(forever.now - 1e9, ["t"])).toBe(true);
    expect(forever.reads).toEqual([]);

    const always = harness(0);
    await always.clock.ensure(["t"], always.now);
    await always.clock.isValid(always.now, ["t"]);
    await always.clock.isValid(always.now, ["t"]);
    expect(always.reads).toHaveLength(2);
  });

  it("learns a peer's invalidation from the bus without a read, and forgets everything on reset", async () => {
    const h = harness(Infinity);
    const created = h.now;
    await h.clock.ensure(["t"], created);
    h.clock.apply(["t", "new"], created + 1);
    expect(h.clock.isValid(created, ["t"])).toBe(false);
    expect(h.clock.isValid(created + 2, ["t", "new"])).toBe(true);
    expect(h.reads).toEqual([]);
    h.clock.reset();
    expect(await h.clock.isValid(created + 2, ["t"])).toBe(true);
    expect(h.reads).toEqual([[tagKey("t")]]);
  });

  it("counts a lost tag key as invalidated now, so what it invalidated never comes back", async () => {
    const h = harness(0);
    const old = h.now - 100;
    expect(await h.clock.isValid(old, ["lost"])).toBe(false);
    const [stored] = await h.store.multiGet([tagKey("lost")]);
    expect(stored).toBe(h.now); // written back, so every process agrees
    h.advance(1);
    expect(await h.clock.isValid(h.now, ["lost"])).toBe(true);
  });

  it("lets a writer create a missing key just before its entry, and leaves an existing one alone", async () => {
    const h = harness(0);
    await h.clock.ensure(["t"], h.now);
    expect(await h.store.multiGet([tagKey("t")])).toEqual([h.now - 1]);
    expect(await h.clock.isValid(h.now, ["t"])).toBe(true);
    expect(await h.clock.isValid(h.now - 1, ["t"])).toBe(false);

    await h.store.setIfGreater(tagKey("u"), 5);
    const other = harness(0, h.store);
    await other.clock.ensure(["u"], h.now);
    expect(await h.store.multiGet([tagKey("u")])).toEqual([5]);
    expect(await other.clock.isValid(h.now, ["u"])).toBe(true);
    await other.clock.ensure(["u"], h.now); // known now: no second add
  });

  it("keeps its memory bounded, reading a forgotten tag again", async () => {
    const store = memoryTagStore();
    let reads = 0;
    const clock = new TagClock({
      store: { ...store, multiGet: (keys) => (reads++, store.multiGet(keys)) },
      maxTags: 2,
      now: () => 1000,
    });
    for (const tag of ["a", "b", "c"]) await store.add(tagKey(tag), 1);
    await clock.isValid(1000, ["a"]);
    await clock.isValid(1000, ["b"]);
    await clock.isValid(1000, ["c"]); // forgets a
    expect(clock.isValid(1000, ["b", "c"])).toBe(true);
    expect(reads).toBe(3);
    await clock.isValid(1000, ["a"]);
    expect(reads).toBe(4);
  });

  it("builds keys with the alias's layout", async () => {
    const store = memoryTagStore();
    const clock = new TagClock({ store, keyOf: (tag) => `users:${tagKey(tag)}` });
    await clock.invalidate(["x"]);
    expect((await store.multiGet(["users:__cg:tag:x"]))[0]).toBeGreaterThan(0);
  });
});

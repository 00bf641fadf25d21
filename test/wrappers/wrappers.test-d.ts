// The wrappers' types, against the generated registries of fixtures/ (schema-ref and seed).
import { describe, expectTypeOf, it } from "vitest";
import { caches, type CountersValue, type User } from "../../fixtures/schema-ref/caches.js";
import { caches as seed } from "../../fixtures/seed/caches.js";
import {
  cached,
  cachedControls,
  cachedStampede,
  multiCached,
  multiCachedControls,
  type CachedControls,
  type CacheSwitches,
  type MultiCachedControls,
} from "../../runtime/index.js";

declare function getUser(id: string, options?: { deep: boolean }): Promise<User>;
declare function findUser(id: string): Promise<User | null>;
declare function getUsers(ids: readonly string[]): Promise<Map<string, User>>;
declare function getCounters(ids: string[]): Promise<Record<string, CountersValue>>;
declare const ada: User;

const users = caches.get("admins");
const counters = caches.get("counters");

describe("cached types", () => {
  it("keeps the function's exact type and adds typed helpers", () => {
    const wrapped = cached(getUser, { cache: users });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUser & CachedControls<[id: string, options?: { deep: boolean }], User>
    >();
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[id: string, options?: { deep: boolean }]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf(wrapped.invalidate).toEqualTypeOf<(id: string, options?: { deep: boolean }) => Promise<boolean>>();
    expectTypeOf(wrapped.keyFor).returns.toEqualTypeOf<string>();
    expectTypeOf(wrapped.refresh).returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf(wrapped.with).parameter(0).toEqualTypeOf<CacheSwitches>();
    // @ts-expect-error the id is a string
    void wrapped(1);
    // @ts-expect-error helpers take the function's arguments
    void wrapped.invalidate(1);
  });

  it("keeps a generic function generic", () => {
    const identity = cached(
      async function identity<T>(value: T) {
        return value;
      },
      { alias: "redis_alt", registry: seed },
    );
    expectTypeOf(identity(1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(identity("a")).toEqualTypeOf<Promise<string>>();
  });

  it("types its options by the function", () => {
    void cached(getUser, { cache: users, skipCache: (user) => user.name === "", keyBuilder: (id: string) => `u${id}` });
    // @ts-expect-error skipCache receives the result type
    void cached(getUser, { cache: users, skipCache: (user: string) => user === "" });
    // @ts-expect-error only async functions: a result must arrive through a promise
    void cached((id: string) => id, { cache: seed.get("default") });
    // @ts-expect-error neither a cache nor an alias
    void cached(getUser, {});
    // @ts-expect-error cache and alias are exclusive
    void cached(getUser, { cache: users, alias: "users" });
  });

  it("rejects a cache whose value type cannot hold the result", () => {
    // @ts-expect-error null is not a User
    void cached(findUser, { cache: users });
    // @ts-expect-error a User is not a counter
    void cached(getUser, { cache: counters });
  });

  it("checks aliases and their value types against the generated registry", () => {
    expectTypeOf(cached(getUser, { alias: "users", registry: caches })).toEqualTypeOf<
      typeof getUser & CachedControls<[id: string, options?: { deep: boolean }], User>
    >();
    // @ts-expect-error no such alias in the registry
    void cached(getUser, { alias: "user", registry: caches });
    // @ts-expect-error the counters alias stores counters
    void cached(getUser, { alias: "counters", registry: caches });
    // The dynamic registry knows no aliases: any name type-checks, and is checked when wrapping.
    expectTypeOf(cached(getUser, { alias: "anything" })).returns.toEqualTypeOf<Promise<User>>();
  });

  it("infers named function expressions, arrows and declarations alike", () => {
    const named = cached(
      async function load(id: string) {
        return { ...ada, id };
      },
      { alias: "users", registry: caches, ttl: 60 },
    );
    expectTypeOf(named).parameters.toEqualTypeOf<[id: string]>();
    const arrow = cached(async (id: string) => ({ ...ada, id }), { alias: "users", registry: caches, key: "x" });
    expectTypeOf(arrow).parameters.toEqualTypeOf<[id: string]>();
    void cached(
      // @ts-expect-error a number is not a User
      async function load(id: string) {
        return id.length;
      },
      { alias: "users", registry: caches },
    );
  });

  it("cachedStampede has cached's shape plus a lease", () => {
    const wrapped = cachedStampede(getUser, { alias: "users", registry: caches, lease: "500ms" });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUser & CachedControls<[id: string, options?: { deep: boolean }], User>
    >();
    // @ts-expect-error a lease is a duration
    void cachedStampede(getUser, { cache: users, lease: "soon" });
    // @ts-expect-error no such alias
    void cachedStampede(getUser, { alias: "userz", registry: caches });
  });
});

describe("the generated registry's own wrappers", () => {
  it("take an alias of that registry, checked like { alias, registry }", () => {
    expectTypeOf(caches.cached(getUser, { alias: "users", ttl: 60 })).toEqualTypeOf<
      typeof getUser & CachedControls<[id: string, options?: { deep: boolean }], User>
    >();
    expectTypeOf(caches.cachedStampede(getUser, { alias: "admins", lease: 1 })).returns.toEqualTypeOf<Promise<User>>();
    expectTypeOf(caches.multiCached(getUsers, { alias: "users", returns: "map" })).toEqualTypeOf<
      typeof getUsers & MultiCachedControls<[ids: readonly string[]], Map<string, User>>
    >();
    // @ts-expect-error no such alias
    void caches.cached(getUser, { alias: "user" });
    // @ts-expect-error the counters alias stores counters
    void caches.cached(getUser, { alias: "counters" });
    // @ts-expect-error the registry is this one
    void caches.cached(getUser, { alias: "users", registry: seed });
    // @ts-expect-error returns: "map" is required for a Map
    void caches.multiCached(getUsers, { alias: "users" });
  });
});

describe("multiCached types", () => {
  it("keeps the function's type and types keys and values from its result", () => {
    const wrapped = multiCached(getUsers, { cache: users, returns: "map", keyBuilder: (id) => `user:${id}` });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUsers & MultiCachedControls<[ids: readonly string[]], Map<string, User>>
    >();
    void multiCached(getUsers, {
      alias: "users",
      registry: caches,
      returns: "map",
      keyBuilder: (id) => {
        expectTypeOf(id).toEqualTypeOf<string>();
        return id;
      },
      skipCache: (user) => {
        expectTypeOf(user).toEqualTypeOf<User>();
        return false;
      },
    });
    void multiCached(getCounters, { cache: counters });
  });

  it('requires returns: "map" exactly when the function resolves to a Map', () => {
    // @ts-expect-error the result would be a record when every key hits
    void multiCached(getUsers, { cache: users });
    // @ts-expect-error a record-returning function cannot get a Map back
    void multiCached(getCounters, { cache: counters, returns: "map" });
  });

  it("rejects a cache or alias whose value type cannot hold the values", () => {
    // @ts-expect-error counters are not users
    void multiCached(getUsers, { cache: counters, returns: "map" });
    // @ts-expect-error counters are not users
    void multiCached(getUsers, { alias: "counters", registry: caches, returns: "map" });
    // @ts-expect-error no such alias
    void multiCached(getCounters, { alias: "counter", registry: caches });
  });
});

describe("decorator types", () => {
  it("keep the method's signature", () => {
    class Repo {
      @cached({ cache: users })
      async find(id: string): Promise<User> {
        return { ...ada, id };
      }

      @cachedStampede({ alias: "users", registry: caches })
      async findSlowly(id: string): Promise<User> {
        return { ...ada, id };
      }

      @caches.cached({ alias: "admins", ttl: 60 })
      async findAdmin(id: string): Promise<User> {
        return { ...ada, id };
      }

      @multiCached({ cache: users, returns: "map" })
      async findMany(ids: readonly string[]): Promise<Map<string, User>> {
        return new Map(ids.map((id) => [id, { ...ada, id }]));
      }

      @caches.multiCached({ alias: "counters" })
      async count(ids: string[]): Promise<Record<string, CountersValue>> {
        return Object.fromEntries(ids.map((id) => [id, { hits: 1 }]));
      }

      sync(id: string) {
        return id;
      }
    }
    expectTypeOf<Repo["find"]>().toEqualTypeOf<(id: string) => Promise<User>>();
    expectTypeOf<Repo["findSlowly"]>().toEqualTypeOf<(id: string) => Promise<User>>();
    expectTypeOf<Repo["findAdmin"]>().toEqualTypeOf<(id: string) => Promise<User>>();
    expectTypeOf(cachedControls(new Repo(), "find")).toEqualTypeOf<CachedControls<[id: string], User>>();
    expectTypeOf(multiCachedControls(new Repo(), "findMany")).toEqualTypeOf<
      MultiCachedControls<[ids: readonly string[]], Map<string, User>>
    >();
    // @ts-expect-error only async methods have helpers
    void cachedControls(new Repo(), "sync");
  });

  it("reject methods the chosen cache cannot store, wrong aliases, and sync methods", () => {
    class Wrong {
      // @ts-expect-error a string cache cannot store numbers
      @cached({ cache: seed.get("default") })
      async count(): Promise<number> {
        return 1;
      }

      // @ts-expect-error the counters alias stores counters
      @cached({ alias: "counters", registry: caches })
      async user(): Promise<User> {
        return ada;
      }

      // @ts-expect-error no such alias
      @caches.cachedStampede({ alias: "counter" })
      async counter(): Promise<CountersValue> {
        return { hits: 1 };
      }

      // @ts-expect-error counters are not users
      @multiCached({ cache: counters, returns: "map" })
      async users(ids: string[]): Promise<Map<string, User>> {
        return new Map(ids.map((id) => [id, { ...ada, id }]));
      }

      // @ts-expect-error a decorated method must be async
      @cached({ cache: seed.get("redis_alt") })
      now(): number {
        return 1;
      }
    }
    void Wrong;
  });
});

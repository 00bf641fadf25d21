import { describe, expectTypeOf, it } from "vitest";
import {
  cached,
  cachedControls,
  cachedStampede,
  CacheRegistry,
  MemoryCache,
  multiCached,
  multiCachedControls,
  type CachedControls,
  type CacheSwitches,
  type MultiCachedControls,
} from "../../runtime/index.js";

interface User {
  id: number;
  name: string;
}

declare function getUser(id: number, options?: { deep: boolean }): Promise<User | null>;
declare function getUsers(ids: readonly number[]): Promise<Map<number, User>>;
declare function getNames(ids: number[]): Promise<Record<number, string>>;

const users = new MemoryCache<User | null>();
const strings = new MemoryCache<string>();
const registry = new CacheRegistry<{ users: MemoryCache<User | null>; labels: MemoryCache<string> }>();

describe("cached types", () => {
  it("keeps the function's exact type and adds typed helpers", () => {
    const wrapped = cached(getUser, { cache: users });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUser & CachedControls<[id: number, options?: { deep: boolean }], User | null>
    >();
    expectTypeOf(wrapped).parameters.toEqualTypeOf<[id: number, options?: { deep: boolean }]>();
    expectTypeOf(wrapped).returns.toEqualTypeOf<Promise<User | null>>();
    expectTypeOf(wrapped.invalidate).toEqualTypeOf<(id: number, options?: { deep: boolean }) => Promise<boolean>>();
    expectTypeOf(wrapped.keyFor).returns.toEqualTypeOf<string>();
    expectTypeOf(wrapped.refresh).returns.toEqualTypeOf<Promise<User | null>>();
    expectTypeOf(wrapped.with).parameter(0).toEqualTypeOf<CacheSwitches>();
    // @ts-expect-error the id is a number
    void wrapped("1");
    // @ts-expect-error helpers take the function's arguments
    void wrapped.invalidate("1");
  });

  it("keeps a generic function generic", () => {
    const identity = cached(
      async function identity<T>(value: T) {
        return value;
      },
      { cache: new MemoryCache() },
    );
    expectTypeOf(identity(1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(identity("a")).toEqualTypeOf<Promise<string>>();
  });

  it("types its options by the function", () => {
    void cached(getUser, { cache: users, skipCache: (user) => user === null, keyBuilder: (id: number) => `u${id}` });
    // @ts-expect-error skipCache receives the result type
    void cached(getUser, { cache: users, skipCache: (user: string) => user === "" });
    // @ts-expect-error only async functions: a result must arrive through a promise
    void cached((id: number) => id, { cache: strings });
  });

  it("rejects a cache whose value type cannot hold the result", () => {
    // @ts-expect-error User | null is not a string
    void cached(getUser, { cache: strings });
    void cached(getUser, { cache: new MemoryCache() });
  });

  it("checks aliases and their value types against a typed registry", () => {
    void cached(getUser, { alias: "users", registry });
    // @ts-expect-error no such alias in the registry
    void cached(getUser, { alias: "user", registry });
    // @ts-expect-error the labels alias stores strings
    void cached(getUser, { alias: "labels", registry });
    // The dynamic registry knows no aliases: any name type-checks and is checked when called.
    void cached(getUser, { alias: "anything" });
    // @ts-expect-error cache and alias are exclusive
    void cached(getUser, { cache: users, alias: "users" });
  });

  it("cachedStampede has cached's shape plus a lease", () => {
    const wrapped = cachedStampede(getUser, { cache: users, lease: "500ms" });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUser & CachedControls<[id: number, options?: { deep: boolean }], User | null>
    >();
    // @ts-expect-error a lease is a duration
    void cachedStampede(getUser, { cache: users, lease: "soon" });
  });
});

describe("multiCached types", () => {
  it("keeps the function's type and types keys and values from its result", () => {
    const wrapped = multiCached(getUsers, { cache: users, returns: "map", keyBuilder: (id) => `user:${id}` });
    expectTypeOf(wrapped).toEqualTypeOf<
      typeof getUsers & MultiCachedControls<[ids: readonly number[]], Map<number, User>>
    >();
    void multiCached(getUsers, {
      cache: users,
      returns: "map",
      keyBuilder: (id) => {
        expectTypeOf(id).toEqualTypeOf<number>();
        return String(id);
      },
      skipCache: (user) => {
        expectTypeOf(user).toEqualTypeOf<User>();
        return false;
      },
    });
    void multiCached(getNames, { cache: strings });
  });

  it('requires returns: "map" exactly when the function resolves to a Map', () => {
    // @ts-expect-error the result would be a record when every key hits
    void multiCached(getUsers, { cache: users });
    // @ts-expect-error a record-returning function cannot get a Map back
    void multiCached(getNames, { cache: strings, returns: "map" });
  });

  it("rejects a cache whose value type cannot hold the values", () => {
    // @ts-expect-error strings are not users
    void multiCached(getUsers, { cache: strings, returns: "map" });
  });
});

describe("decorator types", () => {
  it("keep the method's signature", () => {
    class Repo {
      @cached({ cache: users })
      async find(id: number): Promise<User | null> {
        return { id, name: "" };
      }

      @cachedStampede({ alias: "users", registry })
      async findSlowly(id: number): Promise<User | null> {
        return { id, name: "" };
      }

      @multiCached({ cache: users, returns: "map" })
      async findMany(ids: readonly number[]): Promise<Map<number, User>> {
        return new Map(ids.map((id) => [id, { id, name: "" }]));
      }

      sync(id: number) {
        return id;
      }
    }
    expectTypeOf<Repo["find"]>().toEqualTypeOf<(id: number) => Promise<User | null>>();
    expectTypeOf<Repo["findSlowly"]>().toEqualTypeOf<(id: number) => Promise<User | null>>();
    expectTypeOf(cachedControls(new Repo(), "find")).toEqualTypeOf<CachedControls<[id: number], User | null>>();
    expectTypeOf(multiCachedControls(new Repo(), "findMany")).toEqualTypeOf<
      MultiCachedControls<[ids: readonly number[]], Map<number, User>>
    >();
    // @ts-expect-error only async methods have helpers
    void cachedControls(new Repo(), "sync");
  });

  it("reject methods the chosen cache cannot store, and sync methods", () => {
    class Wrong {
      // @ts-expect-error a string cache cannot store numbers
      @cached({ cache: strings })
      async count(): Promise<number> {
        return 1;
      }

      // @ts-expect-error the labels alias stores strings
      @cached({ alias: "labels", registry })
      async user(): Promise<User> {
        return { id: 1, name: "" };
      }

      // @ts-expect-error a string cache cannot store users
      @multiCached({ cache: strings, returns: "map" })
      async users(ids: number[]): Promise<Map<number, User>> {
        return new Map(ids.map((id) => [id, { id, name: "" }]));
      }

      // @ts-expect-error a decorated method must be async
      @cached({ cache: new MemoryCache() })
      now(): number {
        return 1;
      }
    }
    void Wrong;
  });
});

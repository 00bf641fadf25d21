import { describe, expectTypeOf, it } from "vitest";
import { cached, OptimisticLock, RedLock } from "../../runtime/index.js";
import { caches, type UsersKey, type UsersValue } from "../../fixtures/key-template/caches.js";

declare function loadUser(id: number, lang: string): Promise<UsersValue>;
declare function loadUsers(ids: number[]): Promise<Record<number, UsersValue>>;

describe("a key template's generated parameters", () => {
  it("are an interface with each parameter's declared type", () => {
    expectTypeOf<UsersKey>().toEqualTypeOf<{ readonly id: number; readonly lang: string }>();
  });

  it("are what every keyed operation takes, besides a string", () => {
    const users = caches.get("users");
    expectTypeOf(users.get({ id: 42, lang: "en" })).toEqualTypeOf<Promise<UsersValue | undefined>>();
    expectTypeOf(users.get("user:42:en")).toEqualTypeOf<Promise<UsersValue | undefined>>();
    expectTypeOf(users.multiGet([{ id: 1, lang: "en" }, "user:2:en"])).toEqualTypeOf<
      Promise<(UsersValue | undefined)[]>
    >();
    expectTypeOf(users.set).parameter(0).toEqualTypeOf<string | UsersKey>();
    expectTypeOf(users.getOrSet).parameter(0).toEqualTypeOf<string | UsersKey>();
    expectTypeOf(caches.get("sessions").delete).parameter(0).toEqualTypeOf<string | { readonly token: string }>();
    expectTypeOf(caches.get("plain").get).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(caches.create("users", { namespace: "t" }).exists)
      .parameter(0)
      .toEqualTypeOf<string | UsersKey>();
  });

  it("reject a missing, mistyped or unknown parameter, and parameters on an alias without a template", () => {
    const users = caches.get("users");
    // @ts-expect-error lang is missing
    void users.get({ id: 42 });
    // @ts-expect-error id is a number
    void users.get({ id: "42", lang: "en" });
    // @ts-expect-error the template has no parameter "name"
    void users.set({ id: 42, lang: "en", name: "x" }, { id: 42, name: "Ada" });
    // @ts-expect-error one wrong key in a batch
    void users.multiGet([{ id: 1, lang: "en" }, { id: 2 }]);
    // @ts-expect-error plain has no key template: its keys are strings
    void caches.get("plain").get({ id: 1 });
    // @ts-expect-error the template cannot be overridden: its parameters are in the types
    caches.create("users", { keyTemplate: "u:{x}" });
  });

  it("type the wrappers' key and keyBuilder by the alias's template", () => {
    caches.cached(loadUser, { alias: "users", keyBuilder: (id: number, lang: string) => ({ id, lang }) });
    caches.cached(loadUser, { alias: "users", keyBuilder: (id: number, lang: string) => `user:${id}:${lang}` });
    cached(loadUser, { alias: "users", registry: caches, key: { id: 1, lang: "en" } });
    caches.multiCached(loadUsers, { alias: "users", keyBuilder: (id) => ({ id, lang: "en" }) });
    // @ts-expect-error the key builder's parameters lack lang
    caches.cached(loadUser, { alias: "users", keyBuilder: (id: number) => ({ id }) });
    // @ts-expect-error a fixed key with a mistyped parameter
    cached(loadUser, { alias: "users", registry: caches, key: { id: "1", lang: "en" } });
    // @ts-expect-error plain's keys are strings
    caches.cached(async (id: number) => id, { alias: "plain", keyBuilder: (id: number) => ({ id }) });
  });

  it("key a wrapped call by its first argument, the template's parameters, when there is no key or keyBuilder", () => {
    const getUser = caches.cached(async (key: UsersKey) => ({ id: key.id, name: key.lang }), { alias: "users" });
    expectTypeOf(getUser).parameter(0).toEqualTypeOf<UsersKey>();
    cached(async (key: string | UsersKey) => ({ id: 1, name: typeof key === "string" ? key : key.lang }), {
      alias: "users",
      registry: caches,
    });
    caches.cachedStampede(async (key: UsersKey) => ({ id: key.id, name: "x" }), { alias: "users", lease: 5 });
    // @ts-expect-error its first parameter is not the template's parameters: pass key or keyBuilder
    caches.cached(loadUser, { alias: "users" });
    // @ts-expect-error the same with the free function
    cached(loadUser, { alias: "users", registry: caches });
    // @ts-expect-error a function of no arguments needs a fixed key
    caches.cached(async () => ({ id: 1, name: "x" }), { alias: "users" });
    // Without a template, nothing changes: the function's name and arguments key its calls.
    caches.cached(
      async function count(id: number) {
        return id;
      },
      { alias: "plain" },
    );
  });

  it("type the locks' keys by the cache's template", () => {
    const users = caches.get("users");
    expectTypeOf(new RedLock(users, { id: 1, lang: "en" }, 5).key).toEqualTypeOf<string>();
    expectTypeOf(new OptimisticLock(users, { id: 1, lang: "en" }).read()).toEqualTypeOf<
      Promise<UsersValue | undefined>
    >();
    // @ts-expect-error an optimistic lock's key too
    void new OptimisticLock(users, { id: "1", lang: "en" });
    // @ts-expect-error the lock's key is checked like any other
    void new RedLock(users, { id: 1 }, 5);
  });
});

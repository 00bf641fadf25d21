import { afterEach, describe, expect, it } from "vitest";
import {
  cached,
  cachedControls,
  caches,
  cachedStampede,
  MemoryCache,
  multiCached,
  multiCachedControls,
  UnknownAliasError,
} from "../../runtime/index.js";

const cache = new MemoryCache({ namespace: "decorators:" });
afterEach(() => cache.clear());

class UserRepo {
  calls = 0;
  constructor(readonly tenant = "t1") {}

  @cached({ cache })
  async find(id: number, options: { deep?: boolean } = {}) {
    this.calls++;
    return { id, tenant: this.tenant, deep: options.deep ?? false };
  }

  @cached({ cache, noSelf: false })
  async perTenant(id: number) {
    this.calls++;
    return `${this.tenant}:${id}`;
  }

  @cached({
    cache,
    keyBuilder(this: UserRepo, id: number) {
      return `${this.tenant}/user/${id}`;
    },
  })
  async built(id: number) {
    this.calls++;
    return id;
  }

  @cached({ cache })
  static async count(kind: string) {
    return kind.length;
  }

  @cachedStampede({ cache, lease: 5 })
  async stampede(id: number) {
    this.calls++;
    return id * 2;
  }

  @multiCached({ cache, returns: "map", keyBuilder: (id) => `many:${String(id)}` })
  async many(ids: number[]) {
    this.calls++;
    return new Map(ids.map((id) => [id, id * 3]));
  }

  async plain(id: number) {
    return id;
  }
}

class OrderRepo {
  @cached({ cache })
  async find(id: number) {
    return { order: id };
  }
}

class AdminRepo extends UserRepo {}

describe("method decorators (TC39 standard)", () => {
  it("cache a method by Class.method(args), leaving the instance out of the key", async () => {
    const a = new UserRepo("t1");
    const b = new UserRepo("t2");
    expect(await a.find(1, { deep: true })).toEqual({ id: 1, tenant: "t1", deep: true });
    expect(await b.find(1, { deep: true })).toEqual({ id: 1, tenant: "t1", deep: true });
    expect(a.calls + b.calls).toBe(1);
    expect(await cache.raw("keys")).toEqual(['decorators:UserRepo.find(1,{"deep":true})']);
  });

  it("keep same-named methods of different classes apart, and share a base method with subclasses", async () => {
    await new UserRepo().find(1);
    expect(await new OrderRepo().find(1)).toEqual({ order: 1 });
    const admin = new AdminRepo();
    expect(await admin.find(1)).toEqual({ id: 1, tenant: "t1", deep: false });
    expect(admin.calls).toBe(0);
  });

  it("put the instance in the key with noSelf: false, and give keyBuilder the instance as this", async () => {
    const a = new UserRepo("t1");
    const b = new UserRepo("t2");
    expect(await a.perTenant(1)).toBe("t1:1");
    expect(await b.perTenant(1)).toBe("t2:1");
    await a.built(5);
    await b.built(5);
    expect(a.calls + b.calls).toBe(4);
    expect(cachedControls(a, "perTenant").keyFor(1)).toBe('UserRepo.perTenant({"calls":2,"tenant":"t1"},1)');
    expect(cachedControls(b, "built").keyFor(5)).toBe("t2/user/5");
  });

  it("decorate static methods, keyed by the class", async () => {
    expect(await UserRepo.count("abc")).toBe(3);
    expect(cachedControls(UserRepo, "count").keyFor("abc")).toBe('UserRepo.count("abc")');
    expect(await cache.get('UserRepo.count("abc")')).toBe(3);
  });

  it("give a method's helpers through cachedControls / multiCachedControls", async () => {
    const repo = new UserRepo();
    await repo.find(1);
    const find = cachedControls(repo, "find");
    expect(find.keyFor(1)).toBe("UserRepo.find(1)");
    expect(await find.invalidate(1)).toBe(true);
    await repo.find(1);
    await find.refresh(1);
    expect(repo.calls).toBe(3);

    expect(await repo.many([1, 2])).toEqual(
      new Map([
        [1, 3],
        [2, 6],
      ]),
    );
    expect(multiCachedControls(repo, "many").keysFor([1, 2])).toEqual(["many:1", "many:2"]);
    expect(() => cachedControls(repo, "plain")).toThrow(
      new TypeError("plain is not a method decorated with @cached or @cachedStampede."),
    );
    expect(() => multiCachedControls(repo, "find")).toThrow(
      new TypeError("find is not a method decorated with @multiCached."),
    );
  });

  it("run @cachedStampede once for concurrent callers and @multiCached only for missing keys", async () => {
    const repo = new UserRepo();
    expect(await Promise.all([repo.stampede(4), repo.stampede(4), repo.stampede(4)])).toEqual([8, 8, 8]);
    expect(repo.calls).toBe(1);
    await repo.many([1]);
    await repo.many([1, 2]);
    expect(repo.calls).toBe(3);
  });

  it("check the alias when the class is defined, and resolve it on every call", async () => {
    expect(() => {
      class Early {
        @cached({ alias: "decorators-late" })
        async value() {
          return "v";
        }
      }
      return Early;
    }).toThrow(UnknownAliasError);
    caches.add("decorators-late", { cache: "memory", namespace: "first:" });
    try {
      class Late {
        @cached({ alias: "decorators-late" })
        async value() {
          return "v";
        }
      }
      expect(await new Late().value()).toBe("v");
      expect(await caches.get("decorators-late").get("Late.value()")).toBe("v");
      caches.add("decorators-late", { cache: "memory", namespace: "second:" });
      await new Late().value();
      expect(await caches.get("decorators-late").raw("keys")).toEqual(["second:Late.value()"]);
    } finally {
      caches.setConfig({});
    }
  });
});

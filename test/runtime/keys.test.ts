import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import {
  Cache,
  CacheRegistry,
  cached,
  ConfigError,
  InvalidKeyError,
  JsonSerializer,
  MemcachedCache,
  multiCached,
  MemoryCache,
  RedisCache,
  SerializationError,
  StringSerializer,
  ValueValidationError,
  type AnyCache,
  type NoPlugins,
  type OperationEvent,
} from "../../runtime/index.js";
import { MemoryStore } from "../../runtime/backends/memory-store.js";
import { KeyTemplate } from "../../runtime/pipeline/key-template.js";
import { caches as badValue } from "../../fixtures/bad-value/caches.js";
import { caches as templates } from "../../fixtures/key-template/caches.js";
import { closeAfterAll } from "../helpers/close-after.js";
import { describeWithServers } from "../helpers/provided.js";
import { hasBinary } from "../helpers/servers.js";

const track = closeAfterAll();
const ns = () => `k-${randomUUID().slice(0, 8)}`;

function parsed(text: string): KeyTemplate {
  const template = KeyTemplate.parse(text);
  if (!(template instanceof KeyTemplate)) throw new Error(template.problems.join("\n"));
  return template;
}

describe("key templates", () => {
  it("write each parameter's value into the template's text, {{ and }} as literal braces", () => {
    expect(parsed("user:{id:number}:{lang}").render({ id: 42, lang: "en" }, "redis")).toBe("user:42:en");
    expect(parsed("{{tenant}}:order:{tenant}:{id:number}").render({ tenant: "acme", id: 7 }, "redis")).toBe(
      "{tenant}:order:acme:7",
    );
    expect(parsed("u:{id}").render({ id: "x", extra: true }, "redis")).toBe("u:x");
    expect(parsed("{id:number}/").render({ id: -1.5 }, "redis")).toBe("-1.5/");
  });

  it("refuse a missing, mistyped, non-finite or ambiguous parameter before anything is sent", () => {
    const template = parsed("user:{id:number}:{lang}");
    const refused = (params: unknown) => {
      try {
        template.render(params, "redis");
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidKeyError);
        return (error as Error).message;
      }
      throw new Error("rendered");
    };
    expect(refused({ lang: "en" })).toContain('parameter "id" must be a number, got nothing');
    expect(refused({ id: "42", lang: "en" })).toContain('parameter "id" must be a number, got string');
    expect(refused({ id: Number.NaN, lang: "en" })).toContain("must be a finite number, got NaN");
    // "en:x" would make {id: 1, lang: "en:x"} and another pair build one key, were the template "{id}:{lang}:…".
    expect(parsed("{a}:{b}:z").render({ a: "1", b: "2" }, "redis")).toBe("1:2:z");
    expect(() => parsed("{a}:{b}:z").render({ a: "1:2", b: "3" }, "redis")).toThrow(/contains ":", the text after it/);
    expect(refused(null)).toContain("a key is a string or the template's parameters object, got null");
  });

  it("build the same key as Python's str.format on the template without its parameter types", () => {
    const cases: [string, Record<string, string | number>][] = [
      ["user:{id:number}:{lang}", { id: 42, lang: "en" }],
      ["{{tenant}}:order:{tenant}:{id:number}", { tenant: "acme", id: 7 }],
      ["doc/{path}|{rev:number}", { path: "a/b é", rev: 0 }],
    ];
    // Without python3 outside CI this checks nothing; under CI a missing python3 fails the test.
    if (!hasBinary("python3") && process.env["CI"] !== "true") return;
    const script =
      "import json, re, sys\n" +
      "for text, params in json.load(sys.stdin):\n" +
      "    print(json.dumps(re.sub(r'(?<!\\{)\\{(\\w+):\\w+\\}', r'{\\1}', text).format(**params)))\n";
    const run = spawnSync("python3", ["-c", script], { input: JSON.stringify(cases), encoding: "utf8" });
    expect(run.stderr).toBe("");
    const python = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as string);
    expect(python).toEqual(cases.map(([text, params]) => parsed(text).render(params, "redis")));
  });

  it("make a cache take its parameters at every keyed operation, as strings still", async () => {
    const cache = new MemoryCache<number, NoPlugins, { id: number }>({
      namespace: "n:",
      keyTemplate: "item:{id:number}",
    });
    await cache.set({ id: 1 }, 10);
    expect(await cache.get("item:1")).toBe(10);
    await cache.multiSet([
      [{ id: 2 }, 20],
      ["item:3", 30],
    ]);
    expect(await cache.multiGet([{ id: 1 }, "item:2", { id: 3 }, { id: 4 }])).toEqual([10, 20, 30, undefined]);
    expect(await cache.increment({ id: 5 }, 2)).toBe(2);
    expect(await cache.getOrSet({ id: 6 }, () => 60)).toBe(60);
    expect(await cache.exists({ id: 6 })).toBe(true);
    expect(await cache.delete({ id: 6 })).toBe(1);
    expect(cache.buildKey({ id: 7 })).toBe("n:item:7");
    await expect(cache.get({ id: "7" } as never)).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it("refuse a parameters object on a cache without a template, and a bad template as a ConfigError", async () => {
    const plain = new MemoryCache();
    await expect(plain.get({ id: 1 } as never)).rejects.toThrow(/no key template, so its keys are strings/);
    expect(() => new MemoryCache({ keyTemplate: "user:{id" })).toThrow(ConfigError);
  });
});

describe("wrappers of a cache with a key template", () => {
  type Item = { readonly id: number };
  const items = () => new MemoryCache<string, NoPlugins, Item>({ namespace: "n:", keyTemplate: "item:{id:number}" });

  it("key each call by its first argument, the template's parameters, even for an anonymous function", async () => {
    const cache = items();
    const calls: number[] = [];
    const getItem = cached(
      async (item: Item) => {
        calls.push(item.id);
        return `item ${item.id}`;
      },
      { cache },
    );
    expect(getItem.keyFor({ id: 1 })).toBe("item:1");
    expect([await getItem({ id: 1 }), await getItem({ id: 1 })]).toEqual(["item 1", "item 1"]);
    expect(calls).toEqual([1]);
    expect(await cache.get("item:1")).toBe("item 1");
    await expect(getItem(5 as never)).rejects.toBeInstanceOf(InvalidKeyError);
  });

  it("do the same for an alias whose config declares the template, looked up as the wrapper is made", async () => {
    const registry = new CacheRegistry({ items: { cache: "memory", namespace: "i:", key: "item:{id:number}" } });
    const getItem = cached(async (item: Item) => `item ${item.id}`, { alias: "items", registry });
    expect(await getItem({ id: 2 })).toBe("item 2");
    expect(await registry.get("items").get("item:2")).toBe("item 2");
    await registry.closeAll();
  });

  it("take the template's parameters from key or keyBuilder, in cached and multiCached", async () => {
    const cache = items();
    const fixed = cached(async () => "fixed", { cache, key: { id: 3 } });
    const built = cached(async (id: number, label: string) => `${label} ${id}`, {
      cache,
      keyBuilder: (id) => ({ id: Number(id) }),
    });
    expect([await fixed(), await built(4, "four")]).toEqual(["fixed", "four 4"]);
    const many = multiCached(async (ids: number[]) => Object.fromEntries(ids.map((id) => [id, `many ${id}`])), {
      cache,
      keyBuilder: (id) => ({ id: Number(id) }),
    });
    expect(await many([4, 5])).toEqual({ 4: "four 4", 5: "many 5" });
    expect(await cache.multiGet(["item:3", "item:4", "item:5"])).toEqual(["fixed", "four 4", "many 5"]);
  });
});

describe("key versions", () => {
  it("put v<version>: between the namespace and the key, so another version reads its own entries", async () => {
    const namespace = ns();
    const v1 = new MemoryCache<string>({ namespace, keyVersion: 1 });
    expect(v1.buildKey("k")).toBe(`${namespace}v1:k`);
    expect(v1.keyVersion).toBe("1");
    const templated = new MemoryCache<string, NoPlugins, { id: string }>({
      namespace,
      keyTemplate: "user:{id}",
      keyVersion: "2024-06",
    });
    expect(templated.buildKey({ id: "a" })).toBe(`${namespace}v2024-06:user:a`);
  });

  it('"schema" needs the version generate computed: the dynamic registry takes it as keyVersions', () => {
    const config = { users: { cache: "memory", namespace: "u:", key_version: "schema" } };
    expect(() => new CacheRegistry(config).get("users")).toThrow(/cachegen generate computes/);
    const registry = new CacheRegistry(config, { keyVersions: { users: "0badcafe" } });
    expect(registry.get("users").buildKey("k")).toBe("u:v0badcafe:k");
  });
});

/** Each remote backend's caches on the test servers, by key version. */
function remoteCaches(): Record<string, (namespace: string, keyVersion?: number) => AnyCache> {
  const redis = inject("redis");
  const memcached = inject("memcached");
  return {
    redis: (namespace, keyVersion) =>
      track(new RedisCache({ endpoint: redis.host, port: redis.port, namespace, keyVersion })),
    // generationTtl 0: a clear by one instance is seen at once by the other, as by its own.
    memcached: (namespace, keyVersion) =>
      track(
        new MemcachedCache({ endpoint: memcached.host, port: memcached.port, namespace, keyVersion, generationTtl: 0 }),
      ),
  };
}

describeWithServers("key templates and versions on real stores", () => {
  it("store a templated key under exactly the template's text (Redis: namespace:key)", async () => {
    const { host, port } = inject("redis");
    const namespace = ns();
    const users = track(templates.create("users", { endpoint: host, port, namespace }));
    await users.set({ id: 42, lang: "en" }, { id: 42, name: "Ada" });
    expect(await users.raw("get", `${namespace}:user:42:en`)).toBe('{"id":42,"name":"Ada"}');
    expect(await users.get("user:42:en")).toEqual({ id: 42, name: "Ada" });
    const tagged = track(templates.create("tagged", { endpoint: host, port, namespace }));
    await tagged.set({ tenant: "acme", id: 7 }, "x");
    expect(await tagged.raw("exists", `${namespace}:{tenant}:order:acme:7`)).toBe(1);
  });

  it.each(["redis", "memcached", "memory"])(
    "%s: clear() removes every key version of its namespace",
    async (backend) => {
      const namespace = ns();
      // Two versions' caches on one store, as two deployments share a server.
      const store = new MemoryStore();
      const make =
        backend === "memory"
          ? (keyVersion: number) => new Cache(store, new StringSerializer(), { namespace, keyVersion })
          : (keyVersion: number) => remoteCaches()[backend]!(namespace, keyVersion);
      const [v1, v2] = [make(1), make(2)];
      await v1.set("k", "old");
      await v2.set("k", "new");
      expect([await v1.get("k"), await v2.get("k")]).toEqual(["old", "new"]);
      await v2.clear();
      expect([await v1.get("k"), await v2.get("k")]).toEqual([undefined, undefined]);
    },
  );
});

describeWithServers("on_bad_value", () => {
  const { host, port } = inject("redis");

  /** The fixture's aliases in a fresh namespace, with what they report. */
  function profiles() {
    const namespace = ns();
    const absorbed: unknown[] = [];
    const events: OperationEvent[] = [];
    const overrides = {
      endpoint: host,
      port,
      namespace,
      onError: (error: unknown) => absorbed.push(error),
      telemetry: (event: OperationEvent) => events.push(event),
    };
    const cache = track(badValue.create("profiles", overrides));
    const strict = track(badValue.create("strict", { endpoint: host, port, namespace }));
    return { cache, strict, namespace, absorbed, events };
  }

  it("miss: a value that fails to decode is deleted, reported, and read as a miss", async () => {
    const { cache, namespace, absorbed, events } = profiles();
    await cache.raw("set", `${namespace}:p1`, "{not json");
    expect(await cache.get("p1")).toBeUndefined();
    expect(absorbed).toHaveLength(1);
    expect(absorbed[0]).toBeInstanceOf(SerializationError);
    expect(events.at(-1)).toMatchObject({ operation: "get", outcome: "miss", errorCode: "E_SERIALIZE" });
    expect(await cache.raw("exists", `${namespace}:p1`)).toBe(0);
  });

  it("miss: a value that fails validation is a miss too, and getOrSet reloads it", async () => {
    const { cache, namespace, absorbed } = profiles();
    await cache.raw("set", `${namespace}:p2`, '{"bio":"no id"}');
    await cache.raw("set", `${namespace}:p3`, '{"id":"3"}');
    expect(await cache.multiGet(["p2", "p3"])).toEqual([undefined, { id: "3" }]);
    expect(absorbed[0]).toBeInstanceOf(ValueValidationError);
    await cache.raw("set", `${namespace}:p2`, '{"bio":"no id"}');
    expect(await cache.getOrSet("p2", () => ({ id: "2" }))).toEqual({ id: "2" });
    expect(await cache.raw("get", `${namespace}:p2`)).toBe('{"id":"2"}');
    expect(absorbed).toHaveLength(2);
  });

  it("error (the default): the read rejects and the value stays", async () => {
    const { strict, namespace } = profiles();
    await strict.raw("set", `${namespace}:s`, "\u00c1not msgpack");
    await expect(strict.get("s")).rejects.toBeInstanceOf(SerializationError);
    expect(await strict.raw("exists", `${namespace}:s`)).toBe(1);
  });

  it("miss without onError: the default handler is a process warning naming the alias and key", async () => {
    const namespace = ns();
    const cache = track(badValue.create("profiles", { endpoint: host, port, namespace }));
    await cache.raw("set", `${namespace}:w`, "{");
    const warned = new Promise<Error>((resolve) => process.once("warning", resolve));
    expect(await cache.get("w")).toBeUndefined();
    const warning = await warned;
    expect(warning).toMatchObject({ code: "CACHEGEN_BAD_VALUE" });
    expect(warning.message).toContain(`cache of alias "profiles" read "${namespace}:w" as a miss`);
  });
});

describe("on_bad_value without servers", () => {
  it("miss on memory: a value another serializer wrote is read as a miss", async () => {
    const absorbed: unknown[] = [];
    const store = new MemoryStore();
    const writer = new Cache(store, new StringSerializer(), { namespace: "m:" });
    const reader = new Cache(store, new JsonSerializer(), {
      namespace: "m:",
      onBadValue: "miss",
      onError: (error) => absorbed.push(error),
    });
    await writer.set("k", "{broken");
    expect(await reader.get("k")).toBeUndefined();
    expect(absorbed[0]).toBeInstanceOf(SerializationError);
    expect(await writer.exists("k")).toBe(false);
  });
});

import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { aliasModels } from "../../generator/config/model.js";
import { memcachedKeyFindings, type KeyTemplate } from "../../generator/doctor/checks/memcached-limits.js";
import { diagnose } from "../../generator/doctor/doctor.js";
import { FINDING_CODES } from "../../generator/doctor/finding.js";
import { cli } from "../helpers/cli.js";

const FIXTURES = fileURLToPath(new URL("../../fixtures", import.meta.url));
const cases = readdirSync(FIXTURES)
  .filter((name) => name.startsWith("doctor-"))
  .sort();

/** `alias.field code` for each finding of a config, in report order. */
function findings(config: Record<string, unknown>): string[] {
  return diagnose(aliasModels(config)).map((f) => `${f.segments.join(".")} ${f.code}`);
}

describe("doctor fixtures", () => {
  it.each(cases)(
    "%s: cachegen doctor prints its expected findings and exits 0 clean, 1 with findings",
    async (name) => {
      const { code, stdout, stderr } = await cli(join(FIXTURES, name), ["doctor"]);
      expect([code, stderr]).toEqual([name === "doctor-clean" ? 0 : 1, ""]);
      await expect(stdout).toMatchFileSnapshot(join(FIXTURES, name, "expected.txt"));
    },
  );

  it("cover every finding code, each listed in the README", () => {
    const expected = cases.map((name) => readFileSync(join(FIXTURES, name, "expected.txt"), "utf8")).join("");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const code of Object.keys(FINDING_CODES)) {
      expect(expected).toContain(` ${code}: `);
      expect(readme).toContain(`\`${code}\``);
    }
  });
});

describe("cachegen doctor", () => {
  const overlap = join(FIXTURES, "doctor-overlap");

  it("--json prints a stable shape for CI; --strict reports the findings as errors", async () => {
    const { code, stdout } = await cli(overlap, ["doctor", "--json", "--strict"]);
    const result = JSON.parse(stdout) as { findings: Record<string, unknown>[] };
    expect(code).toBe(1);
    expect(Object.keys(result)).toEqual(["status", "config", "aliases", "problems", "findings"]);
    expect(result).toMatchObject({ status: "findings", config: "cachegen.config.yaml", aliases: 9, problems: [] });
    expect(Object.keys(result.findings[0]!)).toEqual([
      "file",
      "line",
      "column",
      "path",
      "code",
      "severity",
      "message",
      "hint",
    ]);
    expect(result.findings[0]).toMatchObject({
      file: "cachegen.config.yaml",
      line: 4,
      column: 3,
      path: "sessions.namespace",
      code: "overlapping-namespaces",
      severity: "error",
    });
  });

  it("exits 2 on an invalid config or usage, and 3 without a config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cachegen-doctor-"));
    try {
      expect((await cli(dir, ["doctor"])).code).toBe(3);
      writeFileSync(join(dir, "cachegen.config.json"), '{ "a": { "cache": "redis", "pot": 1 } }');
      const invalid = await cli(dir, ["doctor"]);
      expect([invalid.code, invalid.stdout]).toEqual([2, ""]);
      expect(invalid.stderr).toMatch(/^cachegen\.config\.json:1:28 {2}a\.pot {2}unknown field "pot"/);
      const json = await cli(dir, ["doctor", "--json"]);
      expect([json.code, JSON.parse(json.stdout)]).toMatchObject([2, { status: "invalid", findings: [] }]);
      expect((await cli(dir, ["doctor", "--out", "x.ts"])).stderr).toMatch(/--out works only with generate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("generate prints the same findings as warnings and writes; under --strict it exits 2 and writes nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cachegen-doctor-"));
    try {
      copyFileSync(join(overlap, "cachegen.config.yaml"), join(dir, "cachegen.config.yaml"));
      const doctorOut = (await cli(dir, ["doctor"])).stdout;
      const warned = await cli(dir, ["generate"]);
      expect(warned.code).toBe(0);
      expect(warned.stdout).toMatch(/^wrote caches\.ts \(9 aliases\)/);
      expect(warned.stderr).toBe(doctorOut.slice(0, doctorOut.lastIndexOf("cachegen.config.yaml: ")));
      rmSync(join(dir, "caches.ts"));

      const strict = await cli(dir, ["generate", "--strict"]);
      expect(strict.code).toBe(2);
      expect(strict.stderr).toContain("  sessions.namespace  error overlapping-namespaces: ");
      expect(strict.stderr).toMatch(/\ncachegen\.config\.yaml: 3 problems; nothing written\n$/);
      expect(existsSync(join(dir, "caches.ts"))).toBe(false);
      const validate = await cli(dir, ["validate", "--strict", "--json"]);
      expect([validate.code, JSON.parse(validate.stdout)]).toMatchObject([2, { status: "invalid", problems: [] }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("which aliases share a store", () => {
  const redis = (fields: object) => ({ cache: "redis", namespace: "a", ...fields });

  it("reads url, endpoint, port and db as the runtime does, and loopback names as one host", () => {
    const sub = (fields: object) => ({ x: redis(fields), y: { ...redis(fields), namespace: "a:b" } });
    expect(findings({ ...sub({}), y: redis({ namespace: "a:b", url: "redis://[::1]:6379" }) })).toEqual([
      "x.namespace overlapping-namespaces",
    ]);
    expect(findings({ x: redis({ url: "redis://h:7000/2" }), y: redis({ endpoint: "H", port: 7000, db: 2 }) })).toEqual(
      [],
    );
    expect(findings({ x: redis({ db: 1 }), y: redis({ namespace: "a:b" }) })).toEqual([]);
    expect(
      findings({ x: redis({ url: "redis://h/3", db: 0 }), y: redis({ endpoint: "h", namespace: "a:b" }) }),
    ).toEqual(["x.namespace overlapping-namespaces"]);
  });

  it("shares a cluster, a set of sentinels or of memcached servers as soon as one node is common", () => {
    const node = (host: string) => ({ host, port: 7000 });
    const cluster = (hosts: string[], namespace: string) =>
      redis({ namespace, hash_tag: true, cluster: { nodes: hosts.map(node) } });
    expect(findings({ x: cluster(["a", "b"], "n"), y: cluster(["b", "c"], "n}:x:{") })).toEqual([
      "x.namespace overlapping-namespaces",
    ]);
    expect(findings({ x: cluster(["a"], "n"), y: cluster(["c"], "n}:x:{") })).toEqual([]);
    const sentinels = (name: string, namespace?: string) => ({
      cache: "redis",
      sentinels: [node("s")],
      sentinel_name: name,
      ...(namespace ? { namespace } : {}),
    });
    expect(findings({ x: sentinels("main"), y: sentinels("main", "n") })).toEqual(["x unnamespaced-shared-store"]);
    expect(findings({ x: sentinels("main"), y: sentinels("other", "n") })).toEqual([]);
    const memcached = (servers: string[], namespace: string) => ({ cache: "memcached", servers, namespace });
    expect(findings({ x: memcached(["a:1", "b:1"], "n"), y: memcached(["b:1"], "nn") })).toEqual([
      "x.namespace overlapping-namespaces",
    ]);
  });

  it("never compares memory aliases, user backends or a key_builder's keys", () => {
    expect(findings({ x: { cache: "memory" }, y: { cache: "memory", namespace: "n" } })).toEqual([]);
    expect(findings({ x: { cache: "./b.ts#Store" }, y: redis({}) })).toEqual([]);
    const built = { x: redis({ key_builder: "./k.ts#key" }), y: redis({ namespace: "a:b" }) };
    expect(findings(built)).toEqual([]);
    // clear() without a namespace flushes the database whatever builds the keys.
    expect(findings({ ...built, x: redis({ namespace: undefined, key_builder: "./k.ts#key" }) })).toEqual([
      "x unnamespaced-shared-store",
    ]);
  });

  it("compares where keys begin: after the key version, with a key template's leading text", () => {
    const ns = (more: object) => redis({ namespace: "n", ...more });
    expect(findings({ x: ns({ key: "user:{id}" }), y: ns({ key: "org:{id}", serializer: { class: "v8" } }) })).toEqual(
      [],
    );
    expect(findings({ x: ns({}), y: ns({ key: "user:{id}" }) })).toEqual(["x.namespace overlapping-namespaces"]);
    expect(findings({ x: ns({ key_version: 1 }), y: ns({ key_version: 2, serializer: { class: "v8" } }) })).toEqual([]);
    expect(findings({ x: ns({}), y: ns({ key_version: 1 }) })).toEqual(["x.namespace overlapping-namespaces"]);
    // "schema" versions hash the serializer: equal only with the same one, so never a conflict.
    const schema = (serializer: string) => ns({ key_version: "schema", serializer: { class: serializer } });
    expect(findings({ x: schema("json"), y: schema("msgpack") })).toEqual([]);
    const [finding] = diagnose(aliasModels({ x: ns({}), y: ns({ key_version: 1, key: "user:{id}" }) }));
    expect(finding?.message).toContain('"x" key "v1:user:1" and "y" key "user:1" are the same Redis key "n:v1:user:1"');
  });

  it("names at most three other aliases on the store", () => {
    const config = Object.fromEntries(["a", "b", "c", "d", "e"].map((n) => [n, redis({ namespace: n })]));
    const [finding] = diagnose(aliasModels({ ...config, flat: { cache: "redis" } }));
    expect(finding?.message).toContain('shares Redis 127.0.0.1:6379 db 0 with "a", "b", "c" and 2 more: ');
  });

  it("takes equal ${VAR} references as equal, and nothing else about them", () => {
    const at = (endpoint: string, namespace: string) => redis({ endpoint, namespace });
    expect(findings({ x: at("${H}", "a"), y: at("${H}", "a:b") })).toEqual(["x.namespace overlapping-namespaces"]);
    expect(findings({ x: at("${H}", "a"), y: at("${H2}", "a:b") })).toEqual([]);
    expect(findings({ x: at("h", "${NS}"), y: at("h", "${NS}:b") })).toEqual([]);
    const [finding] = diagnose(aliasModels({ x: at("${H}", "a"), y: at("${H}", "a:b") }));
    expect(finding?.message).toContain("(judged from ${H} as written");
  });
});

describe("memcached key limits", () => {
  const number = (name: string) => ({ name, type: "number" as const });
  const template = (...parts: KeyTemplate["parts"]): KeyTemplate => ({
    text: parts.map((p) => (typeof p === "string" ? p : `{${p.name}:${p.type}}`)).join(""),
    parts,
  });
  const codes = (namespace: string, key?: KeyTemplate) =>
    memcachedKeyFindings("a", namespace, key).map((f) => `${f.segments.join(".")} ${f.code}`);

  it("checks the namespace: whitespace or control characters, and room for its generation counter", () => {
    expect(codes("users:")).toEqual([]);
    expect(codes("a b")).toEqual(["a.namespace memcached-key-invalid"]);
    expect(codes("a\u0001")).toEqual(["a.namespace memcached-key-invalid"]);
    expect(codes("n".repeat(237))).toEqual([]);
    expect(codes("é".repeat(119))).toEqual(["a.namespace memcached-key-too-long"]);
    expect(codes("${NS}")).toEqual([]);
  });

  it("checks a key template's fixed text, and its longest keys when every parameter is a number", () => {
    expect(codes("u:", template("user:", number("id"), ":", { name: "lang", type: "string" }))).toEqual([]);
    expect(codes("u:", template("user id:", number("id")))).toEqual(["a.key memcached-key-invalid"]);
    expect(codes("", template("x".repeat(250), number("id")))).toEqual(["a.key memcached-key-too-long"]);
    // 200 fixed bytes and three numbers of up to 25 bytes each.
    const numbers = template("x".repeat(200), number("a"), number("b"), number("c"));
    expect(codes("", numbers)).toEqual(["a.key memcached-key-too-long"]);
    expect(memcachedKeyFindings("a", "", numbers)[0]?.message).toContain("reach 275 bytes");
    // A string parameter has no bound: the runtime refuses each key that is too long.
    expect(codes("", template("x".repeat(200), { name: "s", type: "string" }))).toEqual([]);
    // So does the key version's segment, v<version>: after the namespace.
    const fits = template("x".repeat(200), number("id"));
    expect(memcachedKeyFindings("a", "n:", fits, 0)).toEqual([]);
    expect(memcachedKeyFindings("a", "n:", fits, 30).map((f) => f.code)).toEqual(["memcached-key-too-long"]);
    // The namespace and its generation suffix count too.
    expect(codes("n".repeat(200), template("x".repeat(25), number("id")))).toEqual(["a.key memcached-key-too-long"]);
  });
});

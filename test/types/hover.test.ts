/**
 * What an editor shows on hover over the generated API: the cache type of an alias, not the config
 * behind it. Asked of TypeScript's language service, as an editor asks it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FILE = join(ROOT, "test", "types", "hover-probe.ts");
const PROBE = `import { caches } from "../../fixtures/type-ref/caches.js";
export const sessions = caches.get("sessions");
export const config = caches.getAliasConfig("sessions");
`;

/** The language service's quick info at the first `marker` of the probe, as the editor prints it. */
function hover(marker: string): string {
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [FILE],
    getScriptVersion: () => "1",
    getScriptSnapshot: (path) => {
      const text = path === FILE ? PROBE : ts.sys.readFile(path);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => ROOT,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (path) => path === FILE || ts.sys.fileExists(path),
    readFile: (path) => (path === FILE ? PROBE : ts.sys.readFile(path)),
  };
  const info = ts.createLanguageService(host).getQuickInfoAtPosition(FILE, PROBE.indexOf(marker));
  return ts.displayPartsToString(info?.displayParts);
}

describe("hover over the generated API", () => {
  it("caches.get(alias) shows the alias's cache type", () => {
    // The third argument is what keys may be: `string` without a key template, else also its parameters.
    expect(hover("sessions =")).toBe("const sessions: RedisCache<Session, NoPlugins, string>");
    expect(hover('get("sessions")')).toContain(
      'get<"sessions">(alias: "sessions"): RedisCache<Session, NoPlugins, string>',
    );
  });

  it("the registry shows its two type names, not the config expanded", () => {
    expect(hover("caches }")).toBe("(alias) const caches: TypedCacheRegistry<CacheTypes, CacheConfig>\nimport caches");
    expect(readFileSync(join(ROOT, "fixtures", "type-ref", "caches.ts"), "utf8")).toContain(
      "export const caches: TypedCacheRegistry<CacheTypes, CacheConfig>",
    );
  });
});

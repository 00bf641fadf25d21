import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

// `npm run demo` as a user runs it right after `npm install`.
it("npm run demo generates the example's caches.ts and runs it", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ["scripts/demo.mjs"], { cwd: ROOT });
  expect(stdout).toMatch(
    /^\$ cachegen generate --config examples\/basic\/cachegen\.config\.yaml\n(wrote|examples\/basic\/caches\.ts is up to date)/,
  );
  expect(stdout).toContain('caches.get("default") returns one shared instance: true');
  expect(stdout).toContain('sessions.get("s1") -> {"user":"ada","roles":["admin"]}');
  expect(stdout).toContain("an invalid value is rejected at run time: Value passed to set()");
  expect(stdout).toContain('caches.cached(getSession, { alias: "sessions" }): 2 calls, 1 query');
  expect(stdout).toContain("an invalid config is rejected before use");
});

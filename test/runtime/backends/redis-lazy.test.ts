import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

/** A module resolve hook that makes ioredis look uninstalled, registered before the script runs. */
const hideIoredis = `data:text/javascript,${encodeURIComponent(`
import { register } from "node:module";
register("data:text/javascript," + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  if (specifier === "ioredis" || specifier.startsWith("ioredis/")) {
    const error = new Error("Cannot find package 'ioredis' (hidden by the test)");
    error.code = "ERR_MODULE_NOT_FOUND";
    throw error;
  }
  return next(specifier, context);
}\`));
`)}`;

const runtime = new URL("../../../runtime/index.ts", import.meta.url).href;

async function runWithoutIoredis(body: string): Promise<Record<string, unknown>> {
  const script = `const report = {}; ${body}; console.log(JSON.stringify(report));`;
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    "--import",
    hideIoredis,
    "--input-type=module",
    "-e",
    script,
  ]);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

describe("ioredis loads lazily", () => {
  it("importing cachegen and building a RedisCache never loads ioredis; the first operation reports it missing", async () => {
    const report = await runWithoutIoredis(`
      report.hidden = await import("ioredis").then(() => "loaded", (e) => e.code);
      const { RedisCache, MissingDependencyError } = await import(${JSON.stringify(runtime)});
      const cache = new RedisCache({ port: 1 });
      const error = await cache.get("k").catch((e) => e);
      report.missing = error instanceof MissingDependencyError;
      report.code = error.code;
      report.packageName = error.packageName;
      report.message = error.message;
      report.cause = error.cause?.code;
      report.again = await cache.set("k", "v").catch((e) => e.code);
    `);
    expect(report).toEqual({
      hidden: "ERR_MODULE_NOT_FOUND",
      missing: true,
      code: "E_MISSING_DEPENDENCY",
      packageName: "ioredis",
      message: 'The Redis backend (RedisCache) needs the "ioredis" package. Install it with: npm install ioredis',
      cause: "ERR_MODULE_NOT_FOUND",
      again: "E_MISSING_DEPENDENCY",
    });
  });
});

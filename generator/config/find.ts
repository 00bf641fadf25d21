import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ConfigSource } from "./parse.js";

/** The file names looked for, in order, when no `--config` is given. */
export const CONFIG_NAMES = ["cachegen.config.json", "cachegen.config.yaml", "cachegen.config.yml"] as const;

/** The config file could not be found or read: an I/O problem (exit 3), not an invalid config. */
export class ConfigNotFoundError extends Error {
  override readonly name = "ConfigNotFoundError";
}

/**
 * Finds and reads the config: `explicit` if given, else the first of {@link CONFIG_NAMES} in `cwd`,
 * else the `cachegen` key of `cwd/package.json`.
 */
export async function findConfig(cwd: string, explicit?: string): Promise<ConfigSource> {
  if (explicit !== undefined) {
    const text = await read(explicit, `config file ${explicit} cannot be read`);
    return explicit.endsWith("package.json") ? { path: explicit, text, root: ["cachegen"] } : { path: explicit, text };
  }
  for (const name of CONFIG_NAMES) {
    const path = join(cwd, name);
    if (await exists(path)) return { path, text: await read(path, `config file ${path} cannot be read`) };
  }
  const pkg = join(cwd, "package.json");
  if (await exists(pkg)) {
    const text = await read(pkg, `${pkg} cannot be read`);
    if (hasCachegenKey(text)) return { path: pkg, text, root: ["cachegen"] };
  }
  throw new ConfigNotFoundError(
    `no config found in ${cwd}: create ${CONFIG_NAMES.join(", ")} (cachegen init writes a starter) ` +
      `or a "cachegen" key in package.json, or pass --config`,
  );
}

async function read(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigNotFoundError(`${what}: ${(cause as Error).message}`, { cause });
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function hasCachegenKey(text: string): boolean {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    return pkg["cachegen"] !== undefined;
  } catch {
    // A package.json that does not parse is not ours to report; the search just moves on.
    return false;
  }
}

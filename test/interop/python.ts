import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/**
 * Debian's Python, which has python3-redis and python3-msgpack (.ci/run installs them). Never the
 * `python3` on PATH: a pyenv or virtualenv shim there lacks them.
 */
export const PYTHON = "/usr/bin/python3";
/** aiocache 0.12.3, vendored unmodified with its license: the last release with `caches.set_config`. */
const AIOCACHE = fileURLToPath(new URL("./aiocache-0.12.3", import.meta.url));
const PEER = fileURLToPath(new URL("./aiocache-peer.py", import.meta.url));
const ENV = { ...process.env, PYTHONPATH: AIOCACHE, PYTHONDONTWRITEBYTECODE: "1" };

/** Why the Python peer cannot run here (`""` when it can), checked the way the peer imports. */
export function pythonProblem(): string {
  try {
    execFileSync(PYTHON, ["-c", "import redis.asyncio, msgpack, aiocache"], { env: ENV, stdio: "pipe" });
    return "";
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    const detail = stderr?.toString().trim().split("\n").at(-1) ?? (error as Error).message;
    return `${PYTHON} cannot import redis.asyncio and msgpack (${detail}); apt-get install python3-redis python3-msgpack`;
  }
}

/** One aiocache call: `[op, alias, ...args]`, as test/interop/aiocache-peer.py reads it. */
export type PythonOp = readonly [op: string, alias: string, ...args: unknown[]];
/** What one call gave: its result as tagged JSON, or the Python exception as `Type: message`. */
export type PythonResult = { readonly ok: unknown } | { readonly error: string };

/** Runs the calls in order in one Python process using aiocache on `configFile`. */
export async function aiocache(configFile: string, ops: readonly PythonOp[]): Promise<PythonResult[]> {
  const { stdout } = await promisify(execFile)(PYTHON, [PEER, configFile, JSON.stringify(ops)], {
    env: ENV,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as PythonResult[];
}

/** Python values in the peer's tagged JSON, so an int, a float and bytes stay what they are. */
export const py = {
  int: (n: number | bigint | string) => ({ $int: String(n) }),
  float: (repr: string) => ({ $float: repr }),
  bytes: (hex: string) => ({ $bytes: hex }),
  dict: (entries: Record<string, unknown>) => ({ $dict: Object.entries(entries) }),
};

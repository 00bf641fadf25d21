import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Where a server listens. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A server process this harness started; only these are ever stopped. */
export interface ServerProcess extends HostPort {
  readonly pid: number;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
}

/** Several processes stopped together (a cluster, a sentinel setup). */
export interface ServerGroup {
  readonly processes: readonly ServerProcess[];
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 15_000;
const running = new Set<ChildProcess>();

// Safety net: if the owning process dies without teardown, leave no server behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Whether a binary is on PATH (the servers come from apt; see .ci/run). */
export function hasBinary(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** A fresh temporary directory under the OS tmpdir, removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `cachegen-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A loopback port that is free now; with `bus`, port + 10000 is free too (a Redis Cluster node's
 * bus port). Random picks avoid 6379 and the ports other test runs just took.
 */
export async function freePort(bus = false): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await canBind(port)) && (!bus || (await canBind(port + 10_000)))) return port;
  }
  throw new Error("no free loopback port found");
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** Working directory (cluster and sentinel state). */
  readonly dir: string;
  /** A free port when omitted. */
  readonly port?: number;
  readonly args?: readonly string[];
  /** Serve TLS only, on the port, with these PEM files. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
}

/** Starts `redis-server` in the foreground, with no persistence. */
export function startRedis(options: RedisServerOptions): Promise<ServerProcess> {
  return onPort(options.port, (port) => {
    const { tls } = options;
    const listen = tls
      ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.certFile, "--tls-key-file", tls.keyFile]
      : ["--port", String(port)];
    const secure = tls ? ["--tls-ca-cert-file", tls.caFile, "--tls-auth-clients", "no"] : [];
    const args = [...listen, ...secure, "--bind", HOST, "--save", "", "--appendonly", "no", "--dir", options.dir];
    return launch("redis-server", [...args, ...(options.args ?? [])], port);
  });
}

/** Starts `memcached` in the foreground on `port` (a free one when omitted). */
export function startMemcached(options: { port?: number; args?: readonly string[] } = {}): Promise<ServerProcess> {
  const root = process.getuid?.() === 0 ? ["-u", "root"] : [];
  return onPort(options.port, (port) =>
    launch("memcached", [...root, "-l", HOST, "-p", String(port), "-U", "0", ...(options.args ?? [])], port),
  );
}

/** Starts on the given port, or on a free one, picking again if a parallel start took it first. */
async function onPort(
  port: number | undefined,
  start: (port: number) => Promise<ServerProcess>,
): Promise<ServerProcess> {
  if (port !== undefined) return start(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Starts `masters` cluster-enabled nodes and joins them into one cluster covering every slot. */
export async function startCluster(dir: string, masters = 3): Promise<ServerGroup> {
  const nodes: ServerProcess[] = [];
  const group = { processes: nodes, stop: () => stopAll(nodes) };
  try {
    for (let i = 0; i < masters; i++) {
      const port = await freePort(true);
      const nodeDir = path.join(dir, `node-${port}`);
      await mkdir(nodeDir);
      const args = [
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        "5000",
      ];
      nodes.push(await startRedis({ dir: nodeDir, port, args }));
    }
    const addresses = nodes.map((n) => `${HOST}:${n.port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    for (const node of nodes) {
      await until(async () =>
        (await run("redis-cli", ["-p", String(node.port), "cluster", "info"])).includes("cluster_state:ok"),
      );
    }
    return group;
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** Starts a master plus one `redis-server --sentinel` monitoring it under `name`. */
export async function startSentinel(
  dir: string,
  name: string,
): Promise<ServerGroup & { sentinel: ServerProcess; master: ServerProcess }> {
  const master = await startRedis({ dir });
  try {
    const port = await freePort();
    const config = path.join(dir, "sentinel.conf");
    await writeFile(
      config,
      `port ${port}\nbind ${HOST}\ndir ${dir}\nsentinel monitor ${name} ${HOST} ${master.port} 1\n`,
    );
    const sentinel = await launch("redis-server", [config, "--sentinel"], port);
    await until(async () =>
      (await run("redis-cli", ["-p", String(port), "sentinel", "get-master-addr-by-name", name])).includes(
        String(master.port),
      ),
    );
    const processes = [master, sentinel];
    return { processes, sentinel, master, stop: () => stopAll(processes) };
  } catch (error) {
    await master.stop();
    throw error;
  }
}

/** Stops every process, in parallel. */
export async function stopAll(processes: readonly ServerProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop()));
}

async function launch(binary: string, args: readonly string[], port: number): Promise<ServerProcess> {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", reject);
    void exited.then(() => reject(new Error(`${binary} exited before listening on ${port}:\n${output}`)));
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([waitForPort(port), failed]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const late = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(late);
  };
  return { host: HOST, port, pid: child.pid!, stop: () => signal("SIGTERM", 3000), kill: () => signal("SIGKILL", 0) };
}

/** Resolves once something accepts TCP connections on the port. */
async function waitForPort(port: number, host = HOST): Promise<void> {
  await until(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, host);
        socket.setTimeout(1000);
        socket.once("connect", () => resolve(true));
        socket.once("error", () => resolve(false));
        socket.once("timeout", () => resolve(false));
        socket.once("connect", () => socket.destroy()).once("timeout", () => socket.destroy());
      }),
  );
}

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${READY_TIMEOUT_MS} ms`);
    await sleep(25);
  }
}

/** Runs a command to completion and returns its output; a non-zero exit rejects with it. */
export function run(binary: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${binary} ${args.join(" ")} failed:\n${output}`)),
    );
  });
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import "./provided.js";
import {
  hasBinary,
  startCluster,
  startMemcached,
  startRedis,
  startSentinel,
  tempDir,
  type HostPort,
  type ServerGroup,
  type ServerProcess,
} from "./servers.js";
import { makeTlsFiles } from "./tls-certs.js";

const BINARIES = ["redis-server", "redis-cli", "memcached", "openssl"];
const SENTINEL_NAME = "cachegen-master";
const AUTH = { password: "s3cret-default", username: "cachegen-user", userPassword: "s3cret-user" };

/**
 * Starts every server the tests use, each on a free loopback port and owned by this run, and hands
 * their addresses to tests via `provide`. Teardown stops exactly those processes by PID and removes
 * their temp dir. Under CI a missing binary fails the run; elsewhere server tests skip, saying why.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const missing = BINARIES.filter((name) => !hasBinary(name));
  if (missing.length > 0) {
    const reason = `${missing.join(", ")} not installed (apt-get install redis-server redis-tools memcached openssl)`;
    if (process.env["CI"] === "true")
      throw new Error(`Test servers cannot start under CI: ${reason}. .ci/run installs them.`);
    console.warn(`[cachegen tests] server tests skipped: ${reason}`);
    project.provide("serversUnavailable", reason);
    return async () => undefined;
  }

  const temp = await tempDir("servers");
  const started: (ServerProcess | ServerGroup)[] = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    await temp.remove();
  };
  const track = <T extends ServerProcess | ServerGroup>(server: T): T => {
    started.push(server);
    return server;
  };
  const dir = async (name: string) => {
    const full = path.join(temp.dir, name);
    await mkdir(full);
    return full;
  };

  try {
    const tls = await makeTlsFiles(await dir("tls"));
    const [redis, auth, secure, cluster, clusterIsolated, sentinel, memcached, memcachedIsolated] = await settleAll([
      startRedis({ dir: await dir("redis") }).then(track),
      startRedis({
        dir: await dir("auth"),
        args: [
          "--requirepass",
          AUTH.password,
          "--user",
          AUTH.username,
          "on",
          `>${AUTH.userPassword}`,
          "~*",
          "&*",
          "+@all",
        ],
      }).then(track),
      startRedis({ dir: await dir("tls-server"), tls }).then(track),
      startCluster(await dir("cluster")).then(track),
      startCluster(await dir("cluster-isolated")).then(track),
      startSentinel(await dir("sentinel"), SENTINEL_NAME).then(track),
      startMemcached().then(track),
      startMemcached().then(track),
    ]);
    const address = ({ host, port }: HostPort): HostPort => ({ host, port });
    project.provide("redis", address(redis));
    project.provide("redisAuth", { ...address(auth), ...AUTH });
    project.provide("redisTls", { ...address(secure), ca: tls.ca });
    project.provide("redisCluster", { nodes: cluster.processes.map(address) });
    project.provide("redisClusterIsolated", { nodes: clusterIsolated.processes.map(address) });
    project.provide("redisSentinel", { sentinels: [address(sentinel.sentinel)], name: SENTINEL_NAME });
    project.provide("memcached", address(memcached));
    project.provide("memcachedIsolated", address(memcachedIsolated));
    project.provide("serversUnavailable", "");
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/** Like Promise.all, but waits for every start, so a failure never leaves a late starter running untracked. */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

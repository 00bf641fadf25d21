import { describe, inject } from "vitest";
import type { HostPort } from "./servers.js";

/**
 * What `test/helpers/global-setup.ts` hands to tests through `inject(...)`. Every server is on
 * loopback, started for this run only. Conventions that keep tests apart:
 * - each test uses its own namespace on the shared servers;
 * - db 15 of `redis` and of the Sentinel master is reserved for `clear()` without a namespace;
 * - `redisClusterIsolated` and `memcachedIsolated` are only for `clear()` without a namespace.
 */
declare module "vitest" {
  export interface ProvidedContext {
    redis: HostPort;
    redisCluster: { nodes: HostPort[] };
    redisSentinel: { sentinels: HostPort[]; name: string };
    memcached: HostPort;
    memcachedIsolated: HostPort;
    /** A second cluster, for flushing every master. */
    redisClusterIsolated: { nodes: HostPort[] };
    /** `--requirepass` for the default user, plus an ACL user. */
    redisAuth: HostPort & { password: string; username: string; userPassword: string };
    /** TLS only (no plain port); `ca` is the PEM clients must trust. */
    redisTls: HostPort & { ca: string };
    /** Why servers are missing (outside CI only); `""` when every server is up. */
    serversUnavailable: string;
  }
}

/** Db index reserved for `clear()` without a namespace on `redis` and the Sentinel master. */
export const ISOLATED_DB = 15;

/**
 * A describe block for tests that need the servers. Outside CI, when they could not be started
 * (missing binaries), it is skipped with the reason in its title; under CI setup fails instead.
 */
export function describeWithServers(name: string, fn: () => void): void {
  const missing = inject("serversUnavailable");
  if (missing === "") describe(name, fn);
  else describe.skip(`${name} (skipped: ${missing})`, fn);
}

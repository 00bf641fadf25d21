/**
 * memcached GET and SET with 100 requests in flight: cachegen's MemcachedCache (strings, no
 * plugins) against raw memjs, in one process on one memcached this bench starts on a free port.
 */
import memjs from "memjs";
import { MemcachedCache, StringSerializer } from "../runtime/index.js";
import { startMemcached } from "../test/helpers/servers.js";
import { report } from "./harness.js";
import { contenders, type RemotePeer } from "./peers.js";

const KEYS = 1000;
const keys = Array.from({ length: KEYS }, (_, i) => `bench:${i}`);
const text = "x".repeat(100);

/** Runs the memcached comparisons on a memcached of its own and prints tables. */
export async function benchMemcached(): Promise<void> {
  const server = await startMemcached();
  const raw = memjs.Client.create(`${server.host}:${server.port}`);
  const ours = new MemcachedCache({ endpoint: server.host, port: server.port, serializer: new StringSerializer() });
  const all: RemotePeer[] = [
    { name: "raw memjs", get: (k) => raw.get(k), set: (k, v) => raw.set(k, v, {}), close: () => raw.close() },
    {
      name: "cachegen MemcachedCache (string, no plugins)",
      get: (k) => ours.get(k),
      set: (k, v) => ours.set(k, v),
      close: () => ours.close(),
    },
  ];
  try {
    for (const peer of all) await Promise.all(keys.map((key) => peer.set(key, text)));
    const common = { baseline: "raw memjs", ops: 20_000, concurrency: 100, rounds: 15, warmup: 3 };
    await report({ title: "memcached GET", contenders: contenders(all, (p, i) => p.get(keys[i % KEYS]!)), ...common });
    await report({
      title: "memcached SET",
      contenders: contenders(all, (p, i) => p.set(keys[i % KEYS]!, text)),
      ...common,
    });
  } finally {
    await Promise.all(all.map((peer) => peer.close()));
    await server.stop();
  }
}

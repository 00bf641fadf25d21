import { randomUUID } from "node:crypto";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { createClient, type RedisClient } from "../../../runtime/backends/redis-client.js";
import { redisTarget, type RedisConnectionOptions } from "../../../runtime/backends/redis-options.js";
import { RedisPubSub } from "../../../runtime/backends/redis-pubsub.js";
import { Bus, type BusState, type RecoverReason } from "../../../runtime/coordination/bus/bus.js";
import type { Invalidation } from "../../../runtime/coordination/bus/protocol.js";
import { describeWithServers } from "../../helpers/provided.js";
import { Recorder } from "../../helpers/recorder.js";
import { TcpProxy } from "../../helpers/tcp-proxy.js";

/** A peer's message as `onMessage` saw it, with the fields the bus adds. */
type Seen = Invalidation & { readonly src: string; readonly seq?: number };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
afterEach(() => {
  expect(unhandled).toEqual([]);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

describeWithServers("bus over Redis pub/sub", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
  });

  /** A connected command client for the options, closed after the test. */
  const connect = async (options: RedisConnectionOptions): Promise<RedisClient> => {
    const client = await createClient(redisTarget(options, undefined), undefined);
    client.on("error", () => undefined);
    await client.connect();
    cleanups.push(() => client.quit().catch(() => client.disconnect()));
    return client;
  };

  /** A bus on its own client, with every event recorded; resolves once it is up. */
  const peer = async (options: RedisConnectionOptions, group: string, heartbeatMs?: number) => {
    const client = await connect(options);
    const connectionName = `cachegen-bus-test-${randomUUID().slice(0, 8)}`;
    const messages = new Recorder<Seen>();
    const states = new Recorder<BusState>();
    const recoveries = new Recorder<RecoverReason>();
    const bus = new Bus({
      transport: new RedisPubSub({ client, where: "test", connectionName }),
      group,
      heartbeatMs,
      onMessage: (message) => messages.push(message as Seen),
      onState: states.push,
      onRecover: recoveries.push,
    });
    cleanups.unshift(() => bus.close());
    await bus.start();
    await states.next((state) => state === "up");
    return { bus, client, connectionName, messages, states, recoveries };
  };

  const group = () => `g-${randomUUID().slice(0, 8)}`;
  const set = (i: number): Invalidation => ({ op: "set", ns: "n", keys: [`n:${i}`] });

  /** Kills the subscriber connection(s) named `name` on every master, as a server-side drop would. */
  const killSubscriber = async (client: RedisClient, name: string): Promise<number> => {
    let killed = 0;
    for (const node of client.isCluster ? client.nodes("master") : [client]) {
      const list = (await node.call("client", "list")) as string;
      for (const line of list.split("\n")) {
        const fields: Record<string, string | undefined> = Object.fromEntries(
          line.split(" ").map((field) => field.split("=", 2)),
        );
        if (fields["name"] === name || fields["name"]?.endsWith(`:${name}`)) {
          killed += Number(await node.call("client", "kill", "id", fields["id"]));
        }
      }
    }
    return killed;
  };

  const modes: { name: string; options: () => RedisConnectionOptions; sharded: boolean }[] = [
    { name: "single", options: () => ({ endpoint: inject("redis").host, port: inject("redis").port }), sharded: false },
    {
      name: "sentinel",
      options: () => ({ sentinels: inject("redisSentinel").sentinels, sentinelName: inject("redisSentinel").name }),
      sharded: false,
    },
    { name: "cluster", options: () => ({ cluster: { nodes: inject("redisCluster").nodes } }), sharded: true },
  ];

  describe.each(modes)("$name", ({ options, sharded }) => {
    it("two buses see each other's messages in order, never their own, each exactly once", async () => {
      const g = group();
      const [a, b] = await Promise.all([peer(options(), g), peer(options(), g)]);
      const stranger = await peer(options(), group());
      const count = 50;
      await Promise.all(
        Array.from({ length: count }, (_, i) => [a.bus.publish(set(i)), b.bus.publish(set(100 + i))]).flat(),
      );
      await a.messages.next((m) => m.op === "set" && m.keys[0] === `n:${100 + count - 1}`);
      await b.messages.next((m) => m.op === "set" && m.keys[0] === `n:${count - 1}`);

      for (const [self, other, first] of [
        [a, b, 100],
        [b, a, 0],
      ] as const) {
        expect(self.messages.items.every((m) => m.src === other.bus.src)).toBe(true);
        expect(self.messages.items.map((m) => (m.op === "set" ? m.keys[0] : m.op))).toEqual(
          Array.from({ length: count }, (_, i) => `n:${first + i}`),
        );
        expect(new Set(self.messages.items.map((m) => m.seq)).size).toBe(count);
        expect(self.bus.stats).toMatchObject({ gaps: 0, duplicates: 0, invalid: 0 });
        expect(self.recoveries.items).toEqual([]);
      }
      expect(stranger.messages.items).toEqual([]);
    });

    it(`subscribes with ${sharded ? "sharded pub/sub on the shard that owns the channel" : "SUBSCRIBE"}`, async () => {
      const g = group();
      const a = await peer(options(), g);
      await peer(options(), g);
      const masters = a.client.isCluster ? a.client.nodes("master") : [a.client];
      const counts = async (command: "shardnumsub" | "numsub") => {
        const replies = await Promise.all(masters.map((node) => node.call("pubsub", command, a.bus.channel)));
        return (replies as [string, number][]).map(([, n]) => n);
      };
      const [sharded_, classic] = await Promise.all([counts("shardnumsub"), counts("numsub")]);
      if (sharded) {
        expect(sharded_.filter((n) => n > 0)).toEqual([2]); // one shard holds both subscribers
        expect(classic.every((n) => n === 0)).toBe(true);
      } else {
        expect(classic).toEqual([2]);
        expect(sharded_).toEqual([0]);
      }
    });

    it("goes down when the server drops its subscriber, and recovers once subscribed again", async () => {
      const g = group();
      const [a, b] = await Promise.all([peer(options(), g), peer(options(), g)]);
      await b.bus.publish(set(1));
      await a.messages.next();
      const mark = a.states.mark;

      expect(await killSubscriber(a.client, a.connectionName)).toBeGreaterThan(0);
      await a.states.next((state) => state === "down", mark);
      await a.states.next((state) => state === "up", mark);
      expect(a.recoveries.items).toEqual(["reconnect"]);

      await b.bus.publish(set(2));
      await a.messages.next((m) => m.op === "set" && m.keys[0] === "n:2");
      expect(a.messages.items.map((m) => m.seq)).toEqual([1, 2]);
      expect(a.bus.stats.duplicates).toBe(0);
    });
  });

  describe("through a TCP proxy (single server)", () => {
    const proxies: TcpProxy[] = [];
    afterAll(async () => {
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });
    const proxied = async () => {
      const proxy = await TcpProxy.start(inject("redis"));
      proxies.push(proxy);
      return { proxy, options: { endpoint: proxy.host, port: proxy.port } };
    };
    const direct = () => ({ endpoint: inject("redis").host, port: inject("redis").port });

    it("misses nothing it should see, and recovers after an outage instead of getting what it missed late", async () => {
      const g = group();
      const { proxy, options } = await proxied();
      const [a, b] = await Promise.all([peer(options, g), peer(direct(), g)]);
      const mark = a.states.mark;
      proxy.down();
      await a.states.next((state) => state === "down", mark);
      await b.bus.publish(set(1)); // sent while a cannot hear it
      proxy.resume();
      await a.states.next((state) => state === "up", mark);
      expect(a.recoveries.items).toEqual(["reconnect"]);
      await b.bus.publish(set(2));
      await a.messages.next();
      expect(a.messages.items.map((m) => (m.op === "set" ? m.keys : []))).toEqual([["n:2"]]);
    });

    it("goes down when its heartbeat stops coming back on a silent connection, and recovers", async () => {
      const { proxy, options } = await proxied();
      // No connection event tells of a stall: only the missing heartbeat (3 x 50 ms) does.
      const a = await peer(options, group(), 50);
      const mark = a.states.mark;
      proxy.stall();
      await a.states.next((state) => state === "down", mark);
      proxy.resume();
      await a.states.next((state) => state === "up", mark);
      expect(a.recoveries.items).toContain("reconnect");
    });

    it("queues what it could not publish and delivers it once, after the connection is back", async () => {
      const g = group();
      const { proxy, options } = await proxied();
      const [a, b] = await Promise.all([peer(options, g), peer(direct(), g)]);
      await a.bus.publish(set(0));
      await b.messages.next();
      const mark = a.states.mark;
      proxy.down();
      await a.states.next((state) => state === "down", mark);
      expect(await a.bus.publish(set(1))).toBe(false);
      expect(await a.bus.publish({ op: "delete", ns: "n", keys: ["n:1"] })).toBe(false);
      expect(a.bus.queue.size).toBe(1);

      proxy.resume();
      await a.states.next((state) => state === "up", mark);
      const delivered = await b.messages.next((m) => m.op === "delete");
      expect(delivered).toMatchObject({ op: "delete", keys: ["n:1"] });
      expect(a.bus.queue.size).toBe(0);
      // b saw the lost seqs as a gap (and cleared), then the retried delete exactly once.
      expect(b.recoveries.items).toEqual(["gap"]);
      expect(b.messages.items.map((m) => m.op)).toEqual(["set", "delete"]);
    });
  });
});

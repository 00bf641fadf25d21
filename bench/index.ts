/** `npm run bench`: every benchmark in turn. Pass names to run a subset: `npm run bench -- memory`. */
import os from "node:os";
import { benchBus } from "./bus.js";
import { benchGenerator } from "./generator.js";
import { benchMemcached } from "./memcached.js";
import { benchMemory } from "./memory.js";
import { benchRedis } from "./redis.js";
import { benchTiers } from "./tiers.js";

const benches: Record<string, () => Promise<void>> = {
  memory: benchMemory,
  redis: benchRedis,
  memcached: benchMemcached,
  bus: benchBus,
  tiers: benchTiers,
  generator: benchGenerator,
};

const wanted = process.argv.slice(2);
console.log(
  `# cachegen benchmarks, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ` +
    `${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}\n`,
);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
process.exit(0);

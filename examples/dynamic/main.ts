// The dynamic registry: aiocache's caches.set_config, validated at once. No server needed.
import { readFileSync } from "node:fs";
import {
  caches,
  ConfigError,
  HitMissRatioPlugin,
  type CachesConfig,
} from "cachegen";

const config = JSON.parse(
  readFileSync(new URL("./cachegen.config.json", import.meta.url), "utf8"),
) as CachesConfig;
caches.setConfig(config);

const cache = caches.get("default");
console.log(
  `caches.get("default") is the same instance every time: ${cache === caches.get("default")}`,
);
await cache.set("greeting", "hello from cachegen");
console.log(
  `default.get("greeting") -> ${JSON.stringify(await cache.get("greeting"))}`,
);

const sessions = caches.get("sessions");
await sessions.set("u1", { user: 1, roles: ["admin"] });
await sessions.get("u1");
await sessions.get("u2");
console.log(`sessions.getTtl("u1") -> ${await sessions.getTtl("u1")} s`);
console.log(
  `sessions hit ratio -> ${JSON.stringify((sessions.plugins[0] as HitMissRatioPlugin).stats)}`,
);

try {
  caches.setConfig({
    broken: { cache: "aiocache.RedisCache", pot: 6379 },
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.log(`an invalid config is rejected before use:\n${error.message}`);
}
await caches.closeAll();

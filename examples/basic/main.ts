// The demo: typed caches generated from cachegen.config.yaml (`npm run demo` regenerates caches.ts first).
import { ValueValidationError } from "cachegen";
import { caches, type Session } from "./caches.js";
import { db } from "./db.js";

const greetings = caches.get("default");
console.log(
  `caches.get("default") returns one shared instance: ${greetings === caches.get("default")}`,
);
await greetings.set("hello", "world");
console.log(
  `default.get("hello") -> ${JSON.stringify(await greetings.get("hello"))}`,
);

const sessions = caches.get("sessions");
const ada: Session = { user: "ada", roles: ["admin"] };
await sessions.set("s1", ada);
const found = await sessions.get("s1");
console.log(
  `sessions.get("s1") -> ${JSON.stringify(found)} (typed Session | undefined)`,
);
await sessions.get("nobody");
console.log(
  `sessions.plugins[0].stats, typed without a cast -> ${JSON.stringify(sessions.plugins[0].stats)}`,
);
console.log(
  `sessions.getTtl("s1") -> ${await sessions.getTtl("s1")} s (ttl "${caches.getAliasConfig("sessions").ttl}")`,
);

try {
  // The cast gets past the compiler on purpose: the precompiled validator still rejects it.
  await sessions.set("s2", { user: "" } as unknown as Session);
} catch (error) {
  if (!(error instanceof ValueValidationError)) throw error;
  console.log(
    `an invalid value is rejected at run time: ${error.message.split(". ")[0]}`,
  );
}

const scratch = caches.create("sessions", { namespace: "scratch:" });
console.log(
  `caches.create("sessions", { namespace: "scratch:" }) is a new instance: ${scratch !== sessions}, namespace ${scratch.namespace}`,
);

// The generated registry's own wrapper: the alias and the function's result type are checked.
const getSession = caches.cached(
  async function getSession(id: string) {
    return db.session(id);
  },
  { alias: "sessions", ttl: 60 },
);
await getSession("grace");
await getSession("grace");
console.log(
  `caches.cached(getSession, { alias: "sessions" }): 2 calls, ${db.queries} query, key ${getSession.keyFor("grace")}`,
);

// Neither line below compiles: the alias is misspelled, and a number is not a Session.
// caches.get("sesions");
// await sessions.set("s3", 42);
await caches.closeAll();

// What each misuse of the typed API says, on every TypeScript of the matrix: test/types/matrix.test.ts
// compiles this file and expects, on each line marked `// error: text`, a diagnostic containing
// that text (several marks: each text), and no diagnostic anywhere else. Texts are substrings, since
// versions frame overload errors differently ("Overload 2 of 2" on 5.x, "The last overload" on 7).
import { cached, cachedStampede, multiCached } from "cachegen";
import { caches, type User } from "../../../fixtures/schema-ref/caches.js";
import { caches as seed } from "../../../fixtures/seed/caches.js";

declare function getUser(id: string): Promise<User>;
declare function countUser(id: string): Promise<number>;
declare function getUsers(ids: string[]): Promise<Record<string, User>>;

// A typo names itself and the nearest alias, or the known ones, in get, create and getAliasConfig.
caches.get("userz"); // error: Unknown cache alias 'userz'. Did you mean 'users'?
caches.get("usres"); // error: Unknown cache alias 'usres'. Known aliases: // error: 'users'
caches.get("user"); // error: '"user"' is not assignable to parameter of type '"users"'
caches.create("admin", { namespace: "x" }); // error: '"admin"' is not assignable to parameter of type '"admins"'
caches.create("sessions"); // error: Unknown cache alias 'sessions'. Known aliases: 
caches.getAliasConfig("sessions"); // error: Unknown cache alias 'sessions'. Known aliases: 
caches.getAliasConfig("sessions"); // error: 'counters'
seed.get("defualt"); // error: Unknown cache alias 'defualt'. Did you mean 'default'?
seed.create("Redis_alt"); // error: Unknown cache alias 'Redis_alt'. Did you mean 'redis_alt'?

// A bad override names the key and the cache's options, on every version.
caches.create("admins", { port: 1 }); // error: 'port' does not exist in type 'OverridesFrom<MemoryCacheOptions<User, NoPlugins>>'

// The wrappers: the alias, in every form.
cached(getUser, { alias: "userz", registry: caches }); // error: Unknown cache alias 'userz'. Did you mean 'users'?
cachedStampede(getUser, { alias: "nobody", registry: caches }); // error: Unknown cache alias 'nobody'. Known aliases: 
multiCached(getUsers, { alias: "user", registry: caches }); // error: '"user"' is not assignable to type '"users"'
caches.cached(getUser, { alias: "adminz" }); // error: Unknown cache alias 'adminz'. Did you mean 'admins'?

// A result that does not fit names both types.
cached(countUser, { alias: "users", registry: caches }); // error: Promise<number> // error: Promise<User>
caches.cached(countUser, { alias: "users" }); // error: Promise<number> // error: Promise<User>
cached(countUser, { cache: seed.get("default") }); // error: Promise<number> // error: Promise<string>
caches.cached(async function load(id: string) { return id; }, { alias: "admins" }); // error: Promise<string> // error: Promise<User>

// Decorators: the alias, and the method's result.
export class Repo {
  @caches.cached({ alias: "Users" }) // error: Unknown cache alias 'Users'. Did you mean 'users'?
  async find(id: string): Promise<User> {
    return getUser(id);
  }

  @cached({ alias: "counters", registry: caches }) // error: Promise<CountersValue>
  async user(id: string): Promise<User> {
    return getUser(id);
  }
}

// Plugins: an alias without plugins says so.
void caches.get("users").plugins[0]?.stats; // error: This alias has no plugins
void seed.get("redis_alt").plugins[0].stats.hitRatio;

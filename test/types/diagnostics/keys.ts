// What a misuse of a key template says, on every TypeScript of the matrix: each marked line must
// have a diagnostic containing the text (see messages.ts). The generated parameters interface
// (UsersKey) is named in each.
import { caches, type UsersValue } from "../../../fixtures/key-template/caches.js";

declare function loadUser(id: number, lang: string): Promise<UsersValue>;
const users = caches.get("users");

void users.get({ id: 42 }); // error: Property 'lang' is missing in type '{ id: number; }' but required in type 'UsersKey'
void users.get({ id: "42", lang: "en" }); // error: Type 'string' is not assignable to type 'number'
void users.set({ id: 42, lang: "en", name: "x" }, { id: 42, name: "Ada" }); // error: 'name' does not exist in type 'UsersKey'
void caches.get("plain").get({ id: 1 }); // error: is not assignable to parameter of type 'string'
caches.cached(loadUser, { alias: "users", keyBuilder: (id: number) => ({ id }) }); // error: Type '{ id: number; }' is not assignable to type 'string | UsersKey'
// Without key or keyBuilder, a call is keyed by its first argument, which must be the template's parameters.
caches.cached(loadUser, { alias: "users" }); // error: Property 'keyBuilder' is missing

// A stand-in database for the demo and README's examples: what a cached function would call.
import type { Session } from "./caches.js";

const rows = new Map<string, Session>([
  ["ada", { user: "ada", roles: ["admin"] }],
  ["grace", { user: "grace", roles: ["editor", "viewer"] }],
]);

const row = (id: string): Session =>
  rows.get(id) ?? { user: id, roles: ["viewer"] };

export const db = {
  /** How many queries ran, so the demo can show the cache saving them. */
  queries: 0,
  session(id: string): Promise<Session> {
    db.queries++;
    return Promise.resolve(row(id));
  },
  sessions(ids: readonly string[]): Promise<Map<string, Session>> {
    db.queries++;
    return Promise.resolve(new Map(ids.map((id) => [id, row(id)])));
  },
};

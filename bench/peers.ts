/** One client under test in the remote benches: GET and SET of string values. */
import type { Contender } from "./harness.js";

/** A client under test, with what it takes to close it. */
export interface Peer {
  readonly name: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  close(): unknown;
}

/** The same operation for every peer, as harness contenders. */
export function contenders(peers: readonly Peer[], op: (peer: Peer, i: number) => Promise<unknown>): Contender[] {
  return peers.map((peer) => ({ name: peer.name, op: (i) => op(peer, i) }));
}

/** The clients under test in the benches, and how every bench turns them into harness contenders. */
import type { Contender } from "./harness.js";

/** A client under test: GET and SET of `V` values (the remote benches set strings). */
export interface Peer<V = string> {
  readonly name: string;
  get(key: string): Promise<unknown>;
  set(key: string, value: V): Promise<unknown>;
}

/** A client of a server under test, with what it takes to close it. */
export interface RemotePeer extends Peer {
  close(): unknown;
}

/** The same operation for every peer, as harness contenders. */
export function contenders<P extends Pick<Peer, "name">>(
  peers: readonly P[],
  op: (peer: P, i: number) => Promise<unknown>,
): Contender[] {
  return peers.map((peer) => ({ name: peer.name, op: (i) => op(peer, i) }));
}

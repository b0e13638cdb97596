import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { withoutFields } from './raw-fields.js';

/**
 * The hop between two nodes of a cluster (docs/cluster.md, "Forwarding"). The node that takes a
 * public request and has no member for it sends it to a node that has one, on that node's
 * internal listener, with these fields. They are believed there only with the cluster secret,
 * and never anywhere else: the public door removes them from every request.
 */

/** The cluster secret, which proves the request comes from a node of the cluster. */
export const CLUSTER_SECRET_HEADER = 'x-harp-cluster-secret';
/** The TCP peer of the public request on the node that took it (the address it saw). */
export const FORWARDED_PEER_HEADER = 'x-harp-forwarded-peer';
/** The scheme of the public connection (`http` or `https`). */
export const FORWARDED_PROTO_HEADER = 'x-harp-forwarded-proto';

/**
 * Idle connections of the hop: a sending node closes its idle ones well before the internal
 * listener would, so that it never writes a request into a connection the other end is closing.
 */
export const HOP_IDLE_SOCKET_MS = 30_000;
export const HOP_LISTENER_KEEP_ALIVE_MS = 60_000;

/**
 * On a node's own `503 no_backend` to a forwarded request: why it has no member to give it, so
 * that the sending node knows what to do next (docs/cluster.md, "Failures"). `vacant`: none will
 * come here soon (no such route, the route in its grace, every member retiring): this node is
 * skipped for the route, and the request may wait in the cluster's grace. `busy`: every member
 * is at its limit: the next node may take it, but nothing waits behind a saturated pool. The
 * sending node removes it from what it passes on.
 */
export const NO_MEMBER_HEADER = 'x-harp-no-member';
export type NoMemberReason = 'vacant' | 'busy';

/** The hop's own fields of a node's answer: for the sending node, never for its client. */
export const HOP_ANSWER_FIELDS: ReadonlySet<string> = new Set([NO_MEMBER_HEADER]);

/** Every field of the hop: removed from the request before anything else reads it. */
export const CLUSTER_HOP_FIELDS: ReadonlySet<string> = new Set([CLUSTER_SECRET_HEADER, FORWARDED_PEER_HEADER, FORWARDED_PROTO_HEADER]);

/**
 * Where a request came from, when it did not come straight from its client's connection: the
 * facts the receiving node saw, so that the forwarding fields the backend gets are the ones it
 * would have got from that node. `localOnly`: the request has already crossed the hop and is
 * served by this node's members or not at all (no second hop, so no loop).
 */
export interface RequestOrigin {
  /** The TCP peer on the node that took the public request. */
  readonly peerAddress: string;
  readonly protocol: 'http' | 'https';
  readonly localOnly: boolean;
}

/** How a node hands a request that crossed the hop to its proxy. */
export type LocalDoor = (req: IncomingMessage, res: ServerResponse, origin: RequestOrigin) => void;

/** How a node hands an upgrade that crossed the hop to its proxy (the server's `upgrade` event). */
export type LocalUpgradeDoor = (req: IncomingMessage, socket: Duplex, head: Buffer, origin: RequestOrigin) => void;

/**
 * The fields the sending node adds to a request it forwards: the secret, the origin it saw and
 * its request id (so that both nodes log one id). Raw form, `[name, value, …]`.
 */
export function hopFieldsOf(secret: string, req: IncomingMessage, requestId: string): string[] {
  return [
    CLUSTER_SECRET_HEADER, secret,
    FORWARDED_PEER_HEADER, req.socket.remoteAddress ?? '',
    FORWARDED_PROTO_HEADER, (req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http',
    'X-Request-ID', requestId,
  ];
}

/**
 * The origin a forwarded request declares, or undefined when its fields are missing or not an
 * address and a scheme. Call only after the secret is proven.
 */
export function declaredOrigin(req: IncomingMessage): RequestOrigin | undefined {
  const peer = req.headers[FORWARDED_PEER_HEADER];
  const proto = req.headers[FORWARDED_PROTO_HEADER];
  if (typeof peer !== 'string' || isIP(peer) === 0) return undefined;
  if (proto !== 'http' && proto !== 'https') return undefined;
  return { peerAddress: peer, protocol: proto, localOnly: true };
}

/** Removes the hop's fields from a request, so that neither the backend nor a log sees the secret. */
export function stripHopFields(req: IncomingMessage): void {
  req.rawHeaders = withoutFields(req.rawHeaders, CLUSTER_HOP_FIELDS);
  for (const name of CLUSTER_HOP_FIELDS) delete req.headers[name];
}

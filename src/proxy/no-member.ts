import type { IncomingMessage } from 'node:http';
import { NO_MEMBER_HEADER, type NoMemberReason, type RequestOrigin } from '../http/cluster-hop.js';
import type { Pool } from '../routing/pool.js';
import type { RouteBackend } from '../routing/route-backend.js';

const NONE: readonly string[] = [];
const VACANT: readonly string[] = [NO_MEMBER_HEADER, 'vacant' satisfies NoMemberReason];
const BUSY: readonly string[] = [NO_MEMBER_HEADER, 'busy' satisfies NoMemberReason];

/**
 * The fields a node adds to its own `503 no_backend` for a request another node forwarded: why
 * it has no member for it (see {@link NO_MEMBER_HEADER}). None for a public request, nor for an
 * upgrade, whose relay passes every answer on.
 * @param pool the route's pool here, if it has one
 */
export function noMemberFields(req: IncomingMessage, origin: RequestOrigin | undefined, pool: Pool<RouteBackend> | undefined): readonly string[] {
  if (!origin?.localOnly || req.headers.upgrade !== undefined) return NONE;
  const busy = pool !== undefined && pool.members.some((member) => !member.isRetiring());
  return busy ? BUSY : VACANT;
}

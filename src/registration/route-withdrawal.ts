import type { RouteRejection } from '../protocol/index.js';
import type { ClaimedRoute } from './key-rules.js';

/**
 * A route this node had accepted, found afterwards to belong to another key: in cluster mode,
 * the atomic ownership claim in Redis refused it after the node's mirror had let it through
 * (two nodes registering one route at the same moment, or a route in its grace elsewhere).
 */
export interface OwnershipConflict {
  /** The route, normalized as the route table holds it. */
  readonly host: string;
  readonly path: string;
  /** The key id that owns it in the cluster. */
  readonly owner: string;
}

/** What the withdrawal decision reads of an agent session. */
export interface HoldingSession {
  readonly keyId: string;
  readonly routes: ReadonlyMap<string, ClaimedRoute>;
}

/** One route to take away from one session. */
export interface Withdrawal<S> {
  readonly session: S;
  readonly route: ClaimedRoute;
}

/**
 * Who gives up a conflicting route: every session that holds exactly that route with a key
 * other than its owner. A session of the owning key keeps it (it may have joined the pool here
 * since), and so does a session that holds only a broader or narrower route.
 */
export function withdrawalsFor<S extends HoldingSession>(sessions: Iterable<S>, conflict: OwnershipConflict): Array<Withdrawal<S>> {
  const withdrawals: Array<Withdrawal<S>> = [];
  for (const session of sessions) {
    if (session.keyId === conflict.owner) continue;
    for (const route of session.routes.values()) {
      if (route.host === conflict.host && route.path === conflict.path) withdrawals.push({ session, route });
    }
  }
  return withdrawals;
}

/**
 * What the agent is told (`withdrawn`, docs/protocol.md §7): the same code and wording as a
 * registration refused against another key's route. The owner's key id is not named: the
 * agent's operator need not learn another team's key rules.
 */
export function withdrawnRoute(route: ClaimedRoute): RouteRejection {
  return {
    host: route.host,
    path: route.path,
    code: 'route_owned',
    reason: `${route.host}${route.path} is registered by another key in the cluster`,
  };
}

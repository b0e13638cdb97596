import { hostKindOf, type Route } from './route.js';

/** A node of the cluster that holds members of a route, where its internal listener is. */
export interface RemoteNode {
  readonly nodeId: string;
  readonly url: string;
}

/**
 * The most specific route other nodes serve for a request, and the nodes that serve it; or a
 * route they served and no node can take now, in its grace (`nodes` empty, `vacantUntil` set).
 */
export interface RemoteMatch {
  readonly route: Route;
  /** At least one, unless the route is vacant. */
  readonly nodes: readonly RemoteNode[];
  /** For a vacant route: when its grace ends, ms since the epoch. */
  readonly vacantUntil?: number;
}

/**
 * The routes other nodes of the cluster hold members of (cluster mode sets it on the routing
 * service; a single proxy has none). Answers from memory: it runs for every public request.
 */
export interface RemoteRoutes {
  /**
   * With the route table's precedence; `host` normalized as for `RouteTable.lookup`. Nodes
   * remembered as failed are left out; a route left without nodes is matched as vacant while
   * in its grace.
   */
  match(host: string, path: string, now: number): RemoteMatch | undefined;
  /**
   * A node failed to take a request: the connection to it failed (no `route`), or it answered
   * that it has no member of `route` (its own `503 no_backend`). It is skipped, for every route
   * or for that one, until it is heard from again.
   */
  failed(nodeId: string, route: Route | undefined, now: number): void;
}

/**
 * How specific a route is, as the route table's precedence orders them: exact host, then
 * wildcards by the length of their suffix, then `*`; within a host pattern, the longest prefix.
 * Only meaningful between routes that match one request.
 */
function rank(route: Route): [number, number, number] {
  const kind = hostKindOf(route.host);
  const hostRank = kind === 'exact' ? 2 : kind === 'wildcard' ? 1 : 0;
  return [hostRank, kind === 'wildcard' ? route.host.length : 0, route.path.length];
}

/**
 * Whether the remote route wins over the local one for a request both match: it is more specific,
 * or it is the same route and no local member can take the request (local members are always
 * preferred). Without a local match the remote one wins.
 */
export function remoteWins(local: Route | undefined, localHasMember: boolean, remote: Route): boolean {
  if (!local) return true;
  const [a, b] = [rank(local), rank(remote)];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i]! > a[i]!;
  // Equal rank for two routes matching one request is the same route.
  return !localHasMember;
}

import { normalizeRequestHost } from '../http/request-host.js';
import type { AcceptedRoute, RouteRejection } from '../protocol/index.js';

/**
 * One of the agent's routes that a connection serves: its place in `ConnectOptions.routes` and
 * the host pattern and prefix the proxy accepted it as (normalized: lowercase, no trailing `/`).
 */
export interface ServedRoute {
  readonly index: number;
  readonly host: string;
  readonly path: string;
}

/** What the proxy said about one of the agent's routes, in the order the agent sent them. */
export interface RouteOutcome {
  /** The route's place in `ConnectOptions.routes`. */
  readonly index: number;
  readonly accepted?: AcceptedRoute;
  readonly rejected?: RouteRejection;
}

/** A route as the agent sent it: a host, or (the `subdomains` feature) a subdomain instead. */
export type SentClaim = Readonly<{ host?: string; path?: string; subdomain?: string }>;

/**
 * Pairs each sent route with the proxy's answer. `registered` lists the accepted routes and the
 * rejected ones each in the order they were sent (docs/protocol.md §7.2); a rejection repeats the
 * host and path as sent (a subdomain claim's rejection repeats its `subdomain`), an acceptance
 * gives them normalized, so the rejections are told apart first and every other route is the
 * next accepted one. `indices` gives each sent route's place in `ConnectOptions.routes` (routes
 * not sent, as expired ones, leave gaps); by default the n-th sent route is the n-th route.
 */
export function routeOutcomes(
  sent: readonly SentClaim[],
  reply: { readonly accepted: readonly AcceptedRoute[]; readonly rejected: readonly RouteRejection[] },
  indices?: readonly number[],
): RouteOutcome[] {
  let accepted = 0;
  let rejected = 0;
  return sent.map((claim, i) => {
    const index = indices?.[i] ?? i;
    const refusal = reply.rejected[rejected];
    if (refusal && refuses(refusal, claim)) {
      rejected++;
      return { index, rejected: refusal };
    }
    const route = reply.accepted[accepted++];
    return route ? { index, accepted: route } : { index };
  });
}

function refuses(refusal: RouteRejection, claim: SentClaim): boolean {
  if (refusal.path !== (claim.path ?? '/')) return false;
  return claim.subdomain !== undefined ? refusal.subdomain === claim.subdomain : refusal.host === (claim.host ?? '*');
}

/** The routes of {@link routeOutcomes} that the proxy accepted, for {@link chooseRoute}. */
export function servedRoutes(outcomes: readonly RouteOutcome[]): ServedRoute[] {
  return outcomes.flatMap(({ index, accepted }) => (accepted ? [{ index, host: accepted.host, path: accepted.path }] : []));
}

/**
 * `served` without the routes the proxy took back (`withdrawn`, docs/protocol.md §7.2): no
 * stream for them comes after it, and a request the proxy now routes elsewhere must not match them.
 */
export function withoutWithdrawn(served: readonly ServedRoute[], withdrawn: readonly Pick<RouteRejection, 'host' | 'path'>[]): ServedRoute[] {
  return served.filter((route) => !withdrawn.some((w) => w.host.toLowerCase() === route.host && w.path === route.path));
}

/**
 * The route a request on this connection matched at the proxy. The request head does not name
 * it, but the proxy routed on the very Host field and raw path the head carries, by a total
 * precedence (docs/architecture.md, "Routing rules": exact host, then the longest wildcard
 * suffix, then `*`; within a host pattern the longest prefix on a segment boundary). So the
 * best of the agent's *accepted* routes that matches is the one the proxy chose: any better
 * one would have been in the proxy's table and won there.
 */
export function chooseRoute(routes: readonly ServedRoute[], hostField: string | undefined, path: string): ServedRoute | undefined {
  const host = normalizeRequestHost(hostField) ?? '';
  let best: ServedRoute | undefined;
  let bestHost = -1;
  for (const route of routes) {
    const rank = hostRank(route.host, host);
    if (rank === undefined || !prefixMatches(route.path, path)) continue;
    if (rank > bestHost || (rank === bestHost && route.path.length > best!.path.length)) {
      best = route;
      bestHost = rank;
    }
  }
  return best;
}

const EXACT = Number.MAX_SAFE_INTEGER;

/** How specific `pattern` is for `host`, or undefined if it does not match: exact, then a longer wildcard suffix, then `*`. */
function hostRank(pattern: string, host: string): number | undefined {
  if (pattern === '*') return 0;
  if (pattern.startsWith('*.')) {
    const suffix = pattern.slice(1);
    return host.length > suffix.length && host.endsWith(suffix) ? suffix.length : undefined;
  }
  return pattern === host ? EXACT : undefined;
}

/** `/api` matches `/api` and `/api/x`, not `/apix`; `/` matches every path. */
export function prefixMatches(prefix: string, path: string): boolean {
  if (prefix === '/') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f);
}

/** The path of an origin-form target: up to its query (or a stray fragment), as the proxy routes it. */
export function targetPath(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

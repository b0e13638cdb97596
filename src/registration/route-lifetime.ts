import { routeKey } from './agent-session.js';
import type { ClaimedRoute } from './key-rules.js';

// A route's `ttl` (docs/protocol.md §7.6) is a timer per route of a session, kept in the session
// so that every way a route leaves it (unregister, withdrawal, expiry, disconnect) can stop it.

/** What these timers need of a session. */
interface TimedSession {
  readonly expiries: Map<string, NodeJS.Timeout>;
}

/** Ends `route` with `end` after `ttlMs`; a route registered again starts its clock again, one without ttl has none. */
export function armLifetime(session: TimedSession, route: ClaimedRoute, ttlMs: number | undefined, end: () => void): void {
  disarmLifetime(session, route);
  if (ttlMs === undefined) return;
  const timer = setTimeout(end, ttlMs);
  timer.unref();
  session.expiries.set(routeKey(route), timer);
}

/** Stops `route`'s clock, if it has one. */
export function disarmLifetime(session: TimedSession, route: ClaimedRoute): void {
  const key = routeKey(route);
  clearTimeout(session.expiries.get(key));
  session.expiries.delete(key);
}

/** Stops every clock of a session that is gone. */
export function disarmAll(session: TimedSession): void {
  for (const timer of session.expiries.values()) clearTimeout(timer);
  session.expiries.clear();
}

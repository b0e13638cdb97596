import { agentUrl } from '../agent/agent-options.js';
import type { AcceptedRoute, RouteClaim, RouteRejection } from '../protocol/index.js';
import type { ExchangeRecord } from '../agent/upstream-relay.js';

// What `harp http` prints. Results (the public URL, the request log) go to stdout so they can be
// piped; everything else is a diagnostic line on stderr, prefixed "harp:".

/**
 * Where the public reaches `route`: the proxy's own origin for any host (`*`), otherwise the
 * route's host on the proxy's port. The scheme follows the agent's (`wss:` → `https:`).
 */
export function publicUrl(server: string, route: RouteClaim): string {
  const proxy = new URL(agentUrl(server));
  const scheme = proxy.protocol === 'wss:' ? 'https:' : 'http:';
  const host = route.host === '*' ? proxy.hostname : route.host;
  const port = proxy.port ? `:${proxy.port}` : '';
  return `${scheme}//${host}${port}${route.path}`;
}

/** One line per registered route: `Forwarding <public url> -> <upstream>`, the URL the proxy told when it did. */
export function forwardingLines(server: string, upstream: string, routes: readonly AcceptedRoute[]): string {
  return routes.map((route) => `Forwarding ${route.url ?? publicUrl(server, route)} -> ${upstream}\n`).join('');
}

/** A route the proxy ended because its ttl has passed. */
export function expiredLine(route: { host: string; path: string }, server?: string): string {
  return `harp: ${theProxy(server)} ended the route ${route.host}${route.path}: its ttl has passed\n`;
}

/** Every route has ended: the command stops. */
export function allExpiredLine(): string {
  return 'harp: every route reached the end of its ttl; exiting\n';
}

/** One line of the request log: method, target, status (`ERR` if none came), time. */
export function exchangeLine(record: ExchangeRecord): string {
  const status = record.status === 0 ? 'ERR' : String(record.status);
  const error = record.error ? ` (${record.error})` : '';
  return `${record.method} ${record.target} ${status} ${formatMs(record.ms)}${error}\n`;
}

// With one proxy, "the proxy" is clear; with several, each line names the one it is about.
const theProxy = (server: string | undefined): string => (server ? `the proxy at ${server}` : 'the proxy');

/** `server`: the proxy's URL, given when the agent connects to several. */
export function keyRejectedLine(info: { code: string; reason: string }, server?: string): string {
  return `harp: ${theProxy(server)} rejected the key: ${info.reason} (${info.code})\n`;
}

/** `server`: the proxy's URL, given when the agent connects to several. */
export function routeRejectedLine(rejection: RouteRejection, server?: string): string {
  const route = rejection.subdomain !== undefined && rejection.host === '' ? `subdomain ${rejection.subdomain}` : `${rejection.host}${rejection.path}`;
  return `harp: ${theProxy(server)} refused the route ${route}: ${rejection.reason} (${rejection.code})\n`;
}

/** A route the proxy had accepted and took back: another key owns it in its cluster. */
export function routeWithdrawnLine(rejection: RouteRejection, server?: string): string {
  return `harp: ${theProxy(server)} withdrew the route ${rejection.host}${rejection.path}: ${rejection.reason} (${rejection.code})\n`;
}

/** A further proxy (not the one the Forwarding lines name) registered the routes too. */
export function alsoRegisteredLine(server: string): string {
  return `harp: also registered on ${server}\n`;
}

/** What a `disconnected` event means to the person watching, and when the next try is. */
export function disconnectedLine(info: {
  server: string;
  /** Whether this connection had registered; if not, it never got through. */
  connected: boolean;
  code: number;
  reason: string;
  /** The socket error that preceded the close, if any (ECONNREFUSED, a bad handshake). */
  error?: string;
  delayMs: number;
}): string {
  const what = info.connected ? 'lost the connection to' : 'cannot connect to';
  const why = info.reason || info.error || `close code ${info.code}`;
  return `harp: ${what} ${info.server} (${why}); retrying in ${(info.delayMs / 1000).toFixed(1)}s\n`;
}

export function reconnectedLine(server: string): string {
  return `harp: reconnected to ${server}\n`;
}

/** `server`: the proxy's URL, given when the agent connects to several (the others keep serving). */
export function drainLine(reason: string | undefined, server?: string): string {
  const why = reason ? ` (${reason})` : '';
  const there = server ? ' there' : '';
  return `harp: ${theProxy(server)} asked this agent to stop${why}; finishing requests in flight${there}\n`;
}

/** `0.4ms`, `9.5ms`, `12ms`, `1534ms`: a decimal only where it says something. */
export function formatMs(ms: number): string {
  return ms < 9.95 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}

import { parseTarget } from '../http/request-target.js';
import { CONNECT_PATH } from '../protocol/index.js';

/**
 * What the plain port does with `httpRedirect` on (docs/configuration.md, "TLS"): every request
 * is sent to the same target on `https://`, except the few that must stay reachable over plain
 * HTTP. Pure; the data plane writes the answer.
 */

/**
 * Served as before: ACME HTTP-01 challenges (RFC 8555 §8.3 fetches them over plain HTTP on port
 * 80, before any certificate exists), the health checks load balancers poll, and the agents'
 * WebSocket (an agent does not follow redirects; one would only cut off agents given `ws://`).
 */
export function servedWithoutRedirect(path: string): boolean {
  return (
    path.startsWith('/.well-known/acme-challenge/') ||
    path === '/_harp/healthz' ||
    path === '/_harp/readyz' ||
    path === CONNECT_PATH
  );
}

// A host name, an IPv4 address or a bracketed IPv6 address, with an optional port: anything
// else must not be copied into a Location field (it would point somewhere unintended).
const AUTHORITY = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/i;

/**
 * The `Location` for a request on the plain port: `https://<host>[:tlsPort]<target>`, the port
 * left out when it is 443 (RFC 9110 §4.2.2), or undefined when the request is not redirected
 * (an exception, or a request without a usable host or target, which is served as before and
 * answered there).
 */
export function httpsLocation(url: string | undefined, hostField: string | undefined, tlsPort: number): string | undefined {
  const target = parseTarget(url ?? '', hostField);
  if (target === undefined || servedWithoutRedirect(target.path)) return undefined;
  const match = target.host === undefined ? null : AUTHORITY.exec(target.host);
  if (match === null) return undefined;
  const host = match[1]!.toLowerCase();
  return `https://${host}${tlsPort === 443 ? '' : `:${tlsPort}`}${target.origin}`;
}

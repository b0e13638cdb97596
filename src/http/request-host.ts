/** RFC 1035 §2.3.4: a name is at most 253 characters in text form (255 octets on the wire). */
export const MAX_HOST_LENGTH = 253;

// Requests are parsed leniently (underscores occur in real Host headers, e.g. container
// names) but still strictly enough that garbage cannot reach the wildcard suffix walk.
const REQUEST_HOST = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const REQUEST_PORT = /^\d{0,5}$/;
const REQUEST_IP_LITERAL = /^\[([0-9A-Fa-f:.]+)\](?::\d{0,5})?$/;

/**
 * Normalizes the Host of an incoming request for route lookup: lowercase, no port (also after
 * an IPv6 literal: `[::1]:8080` → `[::1]`), no trailing dot.
 *
 * Returns `undefined` when there is no usable host: absent, empty, longer than a DNS name can
 * be, or not a host name / IP literal at all. Such a request can still match a `*` route.
 */
export function normalizeRequestHost(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const known = normalized.get(hostHeader);
  if (known !== undefined || normalized.has(hostHeader)) return known;
  const host = normalizeHost(hostHeader);
  if (normalized.size >= HOST_MEMO_KEYS) normalized.clear();
  normalized.set(hostHeader, host);
  return host;
}

// A proxy sees few distinct Host values, and each request normalised its own up to four times
// (its check, the rate limits, the access rules, routing): remembered, bounded (past the bound it
// starts over: it is only a shortcut).
const HOST_MEMO_KEYS = 1024;
const normalized = new Map<string, string | undefined>();

function normalizeHost(hostHeader: string): string | undefined {
  if (hostHeader.charCodeAt(0) === 0x5b /* '[' */) {
    const literal = REQUEST_IP_LITERAL.exec(hostHeader);
    return literal ? `[${literal[1]!.toLowerCase()}]` : undefined;
  }
  let host = hostHeader;
  const colon = host.indexOf(':');
  if (colon !== -1) {
    if (!REQUEST_PORT.test(host.slice(colon + 1))) return undefined;
    host = host.slice(0, colon);
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0 || host.length > MAX_HOST_LENGTH || !REQUEST_HOST.test(host)) return undefined;
  return host.toLowerCase();
}

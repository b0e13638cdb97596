import { MAX_HOST_LENGTH } from '../http/request-host.js';
import { RoutePatternError } from './routing.errors.js';

// The request side lives in http/, below routing, so that the agent matches its own routes the
// same way (src/agent/route-choice.ts).
export { MAX_HOST_LENGTH, normalizeRequestHost } from '../http/request-host.js';

/** RFC 1035 §2.3.4: a label is 1..63 octets. */
const MAX_LABEL_LENGTH = 63;
/**
 * Prefixes are matched on every request; a bound keeps the per-request work bounded too (the
 * route table never hashes more than the longest registered prefix of a request path).
 */
export const MAX_PATH_PREFIX_LENGTH = 1024;

// RFC 1123 §2.1 host name labels: letters, digits, inner hyphens. Underscores are DNS-legal
// but not host-name-legal, and we have no use case that needs them in a registered route.
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const PORT_SUFFIX = /:\d{1,5}$/;
/* eslint-disable no-control-regex -- these two look for control characters on purpose */
const NON_ASCII = /[^\x00-\x7f]/;
const CONTROL = /[\x00-\x1f\x7f]/;
/* eslint-enable no-control-regex */
// RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@", plus "/" between
// segments. A prefix is compared byte for byte with the raw request path, so it must be
// spelled the way a client would send it on the wire.
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Normalizes a host pattern sent by an agent or written by an operator.
 *
 * Accepts an exact host name (`api.example.com`, IPv4 literals included), a wildcard
 * `*.example.com` (one leading `*.` only; it matches any depth of subdomain but not
 * `example.com` itself) or `*` (any host). The result is lowercase, without a `:port`
 * (routes are per host; the proxy listens on one port) and without a trailing dot.
 * International names must already be punycode (`xn--…`). IPv6 literals are not routable.
 *
 * @throws {RoutePatternError} with code `route_host_invalid`.
 */
export function normalizeHostPattern(input: string): string {
  const invalid = (reason: string) => new RoutePatternError('route_host_invalid', reason, input);
  // Checked before lowercasing: 'K' (U+212A KELVIN SIGN) lowercases to ASCII 'k'.
  if (NON_ASCII.test(input)) throw invalid('international names must be given in punycode');

  let host = input.toLowerCase().replace(PORT_SUFFIX, '');
  if (host === '*') return host;
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host.length === 0) throw invalid('host is empty');
  if (host.includes(':')) throw invalid('a port must be digits only; IPv6 literals are not routable');
  if (host.length > MAX_HOST_LENGTH) throw invalid(`host is longer than ${MAX_HOST_LENGTH} characters`);

  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (name.includes('*')) throw invalid("a wildcard may only be the whole first label, as in '*.example.com'");
  for (const label of name.split('.')) {
    if (label.length === 0) throw invalid('host has an empty label');
    if (label.length > MAX_LABEL_LENGTH) throw invalid(`a label is longer than ${MAX_LABEL_LENGTH} characters`);
    if (!HOST_LABEL.test(label)) {
      throw invalid(`label '${label}' may hold only letters, digits and inner hyphens`);
    }
  }
  return host;
}

/**
 * Normalizes a path prefix: it must start with `/`, be a plain RFC 3986 path (no query `?`, no
 * fragment `#`, no control characters, valid `%XX` escapes) without empty, `.` or `..`
 * segments (also percent-encoded ones, which a backend might decode). A trailing `/` is
 * dropped, except for the root `/`, because prefixes match on segment boundaries anyway:
 * `/api/` and `/api` would otherwise be two routes claiming the same requests.
 * Case is kept: paths are case-sensitive (RFC 3986 §6.2.2.1).
 *
 * @throws {RoutePatternError} with code `route_path_invalid`.
 */
export function normalizePathPrefix(input: string): string {
  const invalid = (reason: string) => new RoutePatternError('route_path_invalid', reason, input);
  if (!input.startsWith('/')) throw invalid("path prefix must start with '/'");
  if (input.length > MAX_PATH_PREFIX_LENGTH) {
    throw invalid(`path prefix is longer than ${MAX_PATH_PREFIX_LENGTH} characters`);
  }
  if (input.includes('?') || input.includes('#')) throw invalid("path prefix may not contain '?' or '#'");
  if (CONTROL.test(input)) throw invalid('path prefix may not contain control characters');
  if (!PATH_CHARS.test(input)) throw invalid('path prefix has characters that must be percent-encoded');
  if (BAD_PERCENT.test(input)) throw invalid("'%' must start a two-digit hex escape");
  if (input.includes('//')) throw invalid('path prefix has an empty segment');

  const path = input.length > 1 && input.endsWith('/') ? input.slice(0, -1) : input;
  for (const segment of path.split('/')) {
    if (DOT_SEGMENT.test(segment)) throw invalid("path prefix may not contain '.' or '..' segments");
  }
  return path;
}

/**
 * The primary cache key (RFC 9111 §2): the target URI, without the method. GET and HEAD share a
 * key (a HEAD is answered from a stored GET response); nothing else is cached.
 *
 * Normalisation is deliberately small (RFC 3986 §6.2.2): only what cannot change what a backend
 * sees is folded together. Folding too much would let two different resources share an entry;
 * folding too little only costs hits.
 *
 * - scheme: lowercased; only `http` and `https`.
 * - host: lowercased, a trailing dot and the scheme's default port dropped (`Example.COM.:80` →
 *   `example.com`), any other port kept: two hosts never share an entry.
 * - path and query: hex digits of percent-escapes uppercased (`%2f` → `%2F`, §6.2.2.1); nothing
 *   decoded (`%41` stays, `/a/../b` stays), query order kept, a fragment dropped.
 *
 * The key reads as a URI, `https://example.com/a?b`, and never contains a line feed: variant
 * keys append `\n` and a selector to it (see `variants.ts`).
 */

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };
// reg-name and IPv4 (RFC 3986 §3.2.2) in lowercase, a port of up to 5 digits.
const HOST_NAME = /^([a-z0-9._~!$&'()*+,;=%-]+)(?::(\d{0,5}))?$/;
const IP_LITERAL = /^(\[[0-9a-f:.]+\])(?::(\d{0,5}))?$/;
const ESCAPE = /%[0-9a-f]{2}/gi;

/**
 * The key of a request, or undefined when it must not be cached (no usable host, a target that
 * is not origin-form after the host was taken out).
 *
 * @param scheme `http` or `https`: how the client reached HARP
 * @param host the Host field, or the authority of an absolute-form target
 * @param target origin-form path and query as received (`/p?q`)
 */
export function cacheKey(scheme: string, host: string | undefined, target: string): string | undefined {
  const lowerScheme = scheme === 'http' || scheme === 'https' ? scheme : scheme.toLowerCase();
  if (!(lowerScheme in DEFAULT_PORTS)) return undefined;
  const authority = knownAuthority(lowerScheme, host);
  const pathAndQuery = normalizeTarget(target);
  if (authority === undefined || pathAndQuery === undefined) return undefined;
  return `${lowerScheme}://${authority}${pathAndQuery}`;
}

// A proxy sees few distinct hosts, and every request normalised its Host again: remembered
// per scheme, bounded (past the bound it starts over: it is only a shortcut).
const AUTHORITY_MEMO_KEYS = 1024;
const authorities: Record<string, Map<string, string | undefined>> = { http: new Map(), https: new Map() };

function knownAuthority(scheme: string, host: string | undefined): string | undefined {
  if (!host) return undefined;
  const memo = authorities[scheme]!;
  const known = memo.get(host);
  if (known !== undefined || memo.has(host)) return known;
  const authority = normalizeAuthority(scheme, host);
  if (memo.size >= AUTHORITY_MEMO_KEYS) memo.clear();
  memo.set(host, authority);
  return authority;
}

/** `Host` → the authority part of a key; undefined when empty or not a plausible host. */
export function normalizeAuthority(scheme: string, host: string | undefined): string | undefined {
  if (!host) return undefined;
  const lower = host.toLowerCase();
  const match = IP_LITERAL.exec(lower) ?? HOST_NAME.exec(lower);
  if (!match) return undefined;
  let name = match[1]!;
  if (name.endsWith('.') && name.length > 1) name = name.slice(0, -1);
  const digits = match[2];
  // `host:` has an empty port, which means the default one (RFC 3986 §6.2.3).
  if (digits === undefined || digits === '') return name;
  const port = String(Number(digits));
  if (Number(port) > 65535) return undefined;
  return port === DEFAULT_PORTS[scheme] ? name : `${name}:${port}`;
}

/** Origin-form path and query with percent-escapes' hex uppercased; undefined if not origin-form. */
export function normalizeTarget(target: string): string | undefined {
  if (target.charCodeAt(0) !== 0x2f /* '/' */ || target.includes('\n') || target.includes('\r')) return undefined;
  // Node's parser lets a fragment through; it is never part of a URI's identity on the wire.
  const hash = target.indexOf('#');
  const withoutFragment = hash === -1 ? target : target.slice(0, hash);
  return withoutFragment.includes('%') ? withoutFragment.replace(ESCAPE, (escape) => escape.toUpperCase()) : withoutFragment;
}

/** The scheme and authority of a key (`https://example.com:8443`), for same-origin checks. */
export function keyOrigin(key: string): string {
  const start = key.indexOf('://') + 3;
  const slash = key.indexOf('/', start);
  return slash === -1 ? key : key.slice(0, slash);
}

/**
 * The key of a URI reference (`Location`, `Content-Location`) resolved against the key of the
 * request it came with (RFC 3986 §5), or undefined when it does not resolve to an http(s) URI.
 */
export function resolvedKey(reference: string, baseKey: string): string | undefined {
  if (reference === '') return undefined;
  let url: URL;
  try {
    url = new URL(reference, baseKey);
  } catch {
    return undefined;
  }
  return cacheKey(url.protocol.slice(0, -1), url.host, `${url.pathname}${url.search}`);
}

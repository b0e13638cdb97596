/** Where a request goes: the host to route on, its path, and the origin-form target to send. */
export interface RequestTarget {
  /** The Host field, or the authority of an absolute-form target (RFC 9112 §3.2.2). */
  readonly host: string | undefined;
  /** The path without the query, compared raw (not decoded) against route prefixes. */
  readonly path: string;
  /** Path and query, as the backend will see it. */
  readonly origin: string;
}

/**
 * Parses a request target. Origin form (`/p?q`) is the common case; absolute form
 * (`http://host/p`) is accepted as RFC 9112 requires, its authority replacing Host. Anything
 * else (`*`, authority form, garbage) is undefined: the caller answers 400.
 */
export function parseTarget(url: string, hostField: string | undefined): RequestTarget | undefined {
  if (url.charCodeAt(0) === 0x2f /* '/' */) {
    const q = url.indexOf('?');
    return { host: hostField, path: q === -1 ? url : url.slice(0, q), origin: url };
  }
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    const parsed = new URL(url);
    const origin = `${parsed.pathname}${parsed.search}`;
    return { host: parsed.host, path: parsed.pathname, origin };
  } catch {
    return undefined;
  }
}

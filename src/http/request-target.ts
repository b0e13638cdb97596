/** Where a request goes: the host to route on, its path, and the origin-form target to send. */
export interface RequestTarget {
  /** The Host field, or the authority of an absolute-form target (RFC 9112 §3.2.2). */
  readonly host: string | undefined;
  /** The path without the query (or a stray fragment), compared raw (not decoded) against route prefixes. */
  readonly path: string;
  /** Path and query, as the backend will see it. */
  readonly origin: string;
  /** True for an absolute-form target: its authority, not the Host field, names the host. */
  readonly absolute: boolean;
}

/**
 * Parses a request target. Origin form (`/p?q`) is the common case; absolute form
 * (`http://host/p`) is accepted as RFC 9112 requires, its authority replacing Host, unless the
 * authority carries userinfo (`http://a.test@b.test/`), which RFC 9110 §4.2.4 says to treat as
 * an error in a URI from an untrusted source: which host it names depends on who reads it. Anything
 * else (`*`, authority form, garbage) is undefined too: the caller answers 400.
 */
export function parseTarget(url: string, hostField: string | undefined): RequestTarget | undefined {
  if (url.charCodeAt(0) === 0x2f /* '/' */) {
    // Node's parser lets a `#` through although a request target has no fragment; the path
    // ends there too, or `/_harp#x` would not count as the reserved `/_harp`.
    const end = url.search(/[?#]/);
    return { host: hostField, path: end === -1 ? url : url.slice(0, end), origin: url, absolute: false };
  }
  if (!/^https?:\/\//i.test(url) || hasUserinfo(url)) return undefined;
  try {
    const parsed = new URL(url);
    const origin = `${parsed.pathname}${parsed.search}`;
    return { host: parsed.host, path: parsed.pathname, origin, absolute: true };
  } catch {
    return undefined;
  }
}

/** Whether the authority of an `http(s)://` target has an `@` (the end of a userinfo). */
function hasUserinfo(url: string): boolean {
  const start = url.indexOf('//') + 2;
  // The URL parser ends a special scheme's authority at a backslash as well.
  const end = url.slice(start).search(/[/?#\\]/);
  return url.slice(start, end === -1 ? undefined : start + end).includes('@');
}

/**
 * A raw header list (`[name, value, …]`) whose Host fields are replaced by one `Host: host`, in
 * the place of the first. For absolute-form requests: "a proxy MUST ignore the received Host
 * header field (if any) and instead replace it with the host information of the
 * request-target" (RFC 9112 §3.2.2), so that the backend reads the host the proxy routed on.
 */
export function withHost(raw: readonly string[], host: string): string[] {
  const out: string[] = [];
  let placed = false;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') {
      if (!placed) out.push(raw[i], host);
      placed = true;
    } else {
      out.push(raw[i], raw[i + 1]);
    }
  }
  if (!placed) out.unshift('Host', host);
  return out;
}

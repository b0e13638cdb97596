/**
 * The URL the public uses for a route, as the proxy tells its agent (docs/configuration.md,
 * `publicUrl`). Pure: the origin comes from the configuration or the listeners, the route from
 * the route table.
 */

/** Where the public reaches the proxy: a scheme, a port (left out when it is the scheme's own) and, if known, a host. */
export interface PublicOrigin {
  readonly scheme: 'http' | 'https';
  readonly port?: number;
  /** The name a `*` route is reached by: `publicUrl`'s host, else the public domain. */
  readonly host?: string;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

/** The origin from `publicUrl` as configured. */
export function originOfUrl(publicUrl: string): PublicOrigin {
  const url = new URL(publicUrl);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  // URL already drops the scheme's own port: `https://a:443` has port ''.
  return { scheme, host: url.hostname, ...(url.port ? { port: Number(url.port) } : {}) };
}

/** The origin of the proxy's own listeners: HTTPS when it has TLS, else plain HTTP. */
export function originOfListeners(listeners: { port: number; tlsPort?: number }, domain?: string): PublicOrigin {
  const scheme = listeners.tlsPort === undefined ? 'http' : 'https';
  const port = listeners.tlsPort ?? listeners.port;
  return { scheme, ...(port === DEFAULT_PORT[scheme] ? {} : { port }), ...(domain ? { host: domain } : {}) };
}

/**
 * `scheme://host[:port]/path` for a route: its own host when exact, the origin's host for `*`;
 * undefined for a wildcard host (no single URL) or a `*` route without a known host.
 */
export function routeUrl(origin: PublicOrigin, route: { host: string; path: string }): string | undefined {
  if (route.host.startsWith('*.')) return undefined;
  const host = route.host === '*' ? origin.host : route.host;
  if (host === undefined) return undefined;
  const port = origin.port === undefined ? '' : `:${origin.port}`;
  return `${origin.scheme}://${host}${port}${route.path}`;
}

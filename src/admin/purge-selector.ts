import { cacheKey, normalizeAuthority, normalizeTarget } from '../cache/index.js';

/** One pass over the store: keys starting with `keyPrefix` that `match` accepts. */
export interface PurgePass {
  readonly keyPrefix: string;
  readonly match: (key: string) => boolean;
}

/** Where a variant's key continues its primary key (see `variants.ts`). */
const VARIANT_SEPARATOR = '\n';

/**
 * The primary cache key of an absolute `http(s)` URL, exactly as the proxy would compute it for
 * a request to that URL, or undefined when it is not one. Parsed by hand, not with `URL`: the
 * cache key keeps the target as received (`/a/../b` stays), and `URL` would rewrite it.
 */
export function primaryKeyOfUrl(url: string): string | undefined {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(url);
  if (match === null) return undefined;
  const [, scheme, authority, rest] = match;
  if (authority!.includes('@')) return undefined; // userinfo is never part of a request's Host
  const target = rest === '' ? '/' : rest!.startsWith('/') ? rest! : `/${rest}`;
  return cacheKey(scheme!, authority, target);
}

/** Whether `host` (with an optional port) is a host the cache could have keys for. */
export function isCacheHost(host: string): boolean {
  return normalizeAuthority('http', host) !== undefined;
}

/** The response stored for one URL, and all its `Vary` variants. */
export function urlPass(url: string): PurgePass {
  const primary = primaryKeyOfUrl(url);
  if (primary === undefined) throw new TypeError(`not a cacheable URL: ${url}`);
  return {
    keyPrefix: primary,
    match: (key) => key === primary || key.startsWith(primary + VARIANT_SEPARATOR),
  };
}

/**
 * Everything stored for `host` (either scheme) under the path `prefix`, on segment boundaries
 * as routes are: `/p` takes `/p`, `/p/x` and `/p?q`, not `/px`.
 */
export function hostPrefixPasses(host: string, prefix = '/'): PurgePass[] {
  const path = normalizeTarget(prefix);
  if (path === undefined) throw new TypeError(`not a path prefix: ${prefix}`);
  return (['http', 'https'] as const).map((scheme) => {
    const authority = normalizeAuthority(scheme, host);
    if (authority === undefined) throw new TypeError(`not a host: ${host}`);
    const keyPrefix = `${scheme}://${authority}${path}`;
    return { keyPrefix, match: (key) => key.startsWith(keyPrefix) && onBoundary(key, keyPrefix.length, path) };
  });
}

/** Every stored value. */
export const ALL_PASS: PurgePass = { keyPrefix: '', match: () => true };

function onBoundary(key: string, end: number, path: string): boolean {
  if (path.endsWith('/') || key.length === end) return true;
  const next = key[end];
  return next === '/' || next === '?' || next === VARIANT_SEPARATOR;
}

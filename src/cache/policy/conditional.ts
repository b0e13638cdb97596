import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { fieldValues } from '../../http/raw-fields.js';

/**
 * Whether a GET or HEAD answered from the cache should get 304 rather than the stored response,
 * because the client already holds it (RFC 9111 §4.3.2): `If-None-Match` compared weakly with
 * the stored `ETag` (RFC 9110 §13.1.2; `*` matches any stored response); without it,
 * `If-Modified-Since` compared with the stored `Last-Modified`, else `Date`, else the time it was
 * stored. Only for a stored 200: the conditionals select representations, not errors.
 */
export function clientHasCurrent(entry: CachedResponse, headers: IncomingHttpHeaders): boolean {
  if (entry.status !== 200) return false;
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const stored = fieldValues(entry.headers, 'etag')[0];
    const wanted = ifNoneMatch.split(',').map((tag) => tag.trim());
    if (wanted.includes('*')) return true;
    return stored !== undefined && wanted.some((tag) => opaque(tag) === opaque(stored.trim()));
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  if (Number.isNaN(since)) return false;
  const validator = fieldValues(entry.headers, 'last-modified')[0] ?? fieldValues(entry.headers, 'date')[0];
  const lastModified = Date.parse(validator ?? '');
  return (Number.isNaN(lastModified) ? entry.storedAt : lastModified) <= since;
}

/**
 * The stored fields a 304 carries (RFC 9110 §15.4.5): `Content-Location`, `Date`, `ETag`, `Vary`,
 * `Cache-Control` and `Expires` (and `CDN-Cache-Control`, which guides caches the same way);
 * representation metadata such as `Content-Type` stays out.
 */
export function notModifiedFields(entry: CachedResponse): string[] {
  const out: string[] = [];
  for (let i = 0; i < entry.headers.length; i += 2) {
    if (NOT_MODIFIED_FIELDS.has(entry.headers[i]!.toLowerCase())) out.push(entry.headers[i]!, entry.headers[i + 1]!);
  }
  return out;
}

const NOT_MODIFIED_FIELDS: ReadonlySet<string> = new Set([
  'content-location',
  'date',
  'etag',
  'vary',
  'cache-control',
  'cdn-cache-control',
  'expires',
]);

/** An entity-tag without its weakness indicator, for weak comparison. */
function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

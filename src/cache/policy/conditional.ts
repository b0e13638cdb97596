import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { fieldValues } from '../../http/raw-fields.js';
import { parseHttpDate, singleHttpDate } from '../../http/http-date.js';

/**
 * Whether a GET or HEAD answered from the cache should get 304 rather than the stored response,
 * because the client already holds it (RFC 9111 §4.3.2): `If-None-Match` compared weakly with
 * the stored `ETag` (RFC 9110 §13.1.2; `*` matches any stored response); without it,
 * `If-Modified-Since` compared with the stored {@link validatorTime}. Only for a stored 200: the
 * conditionals select representations, not errors.
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
  // RFC 9110 §13.1.3: "A recipient MUST ignore the If-Modified-Since header field if the
  // received field value is not a valid HTTP-date".
  const modifiedSince = headers['if-modified-since'];
  if (modifiedSince === undefined) return false;
  const since = parseHttpDate(modifiedSince);
  return since !== undefined && validatorTime(entry) <= since;
}

/**
 * The time a stored response was last modified, as far as `If-Modified-Since` goes (RFC 9111
 * §4.3.2): its `Last-Modified`; without a valid one, "the stored response's Date field value (or,
 * if no Date field is present, the time that the stored response was received)". Whole seconds,
 * as HTTP-dates are: the client's date came from one, and a received-at time with milliseconds
 * would be later than the very `Date` the client was given for the response.
 */
export function validatorTime(entry: CachedResponse): number {
  const lastModified = singleHttpDate(fieldValues(entry.headers, 'last-modified'));
  if (lastModified !== undefined) return lastModified;
  const date = singleHttpDate(fieldValues(entry.headers, 'date'));
  if (date !== undefined) return date;
  // The policy's response time is when the head arrived, which is when the proxy dated the
  // response it passed on; storedAt is later, once the body was in.
  const received = entry.policy.t ?? entry.storedAt;
  return Math.floor(received / 1000) * 1000;
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

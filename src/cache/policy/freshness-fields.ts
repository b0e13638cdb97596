import type CachePolicy from 'http-cache-semantics';
import { fieldValues } from '../../http/raw-fields.js';
import { formatHttpDate, singleHttpDate } from '../../http/http-date.js';

/**
 * The date, age and validator fields as http-cache-semantics is given them. The library reads
 * dates with `Date.parse`, which takes nearly anything for a date, and `Age` with `parseInt`,
 * which takes `1.5` for 1 and `-1` for -1; HARP judges them as RFC 9111 says and hands the
 * library only values it reads the same way:
 *
 * - `Expires` (§5.3): one valid HTTP-date, rewritten as an IMF-fixdate; anything else (an
 *   invalid date, several lines) means "already expired" and becomes {@link EXPIRED}.
 * - `Date` (RFC 9110 §6.6.1): one valid HTTP-date, as an IMF-fixdate; an invalid one is left
 *   out, so the library uses the time the response was received, as that section allows.
 * - `Last-Modified` (RFC 9110 §8.8.2): one valid HTTP-date, as an IMF-fixdate (the form a
 *   revalidation's `If-Modified-Since` must be sent in); an invalid one is left out: it neither
 *   feeds the heuristic nor validates.
 * - `Age` (§5.1): the first member of the list; left out unless it is a non-negative integer;
 *   capped at {@link DELTA_SECONDS_MAX} (§1.2.2).
 */

/** A past instant standing for an invalid `Expires` (the library reads it as expired). */
export const EXPIRED = 'Thu, 01 Jan 1970 00:00:00 GMT';

/**
 * RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as "2147483648 (2^31)".
 */
export const DELTA_SECONDS_MAX = 2_147_483_648;

/** Statuses whose responses the library stores at all (its `understoodStatuses`). */
const LIBRARY_UNDERSTOOD: ReadonlySet<number> = new Set([200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501]);

/** Stands in for a final status the library does not know, when the response has explicit freshness. */
export const STAND_IN_STATUS = 200;

/** The library's fields for `Date`, `Age`, `Last-Modified`, `ETag` and (when it applies) `Expires`. */
export function freshnessFields(raw: readonly string[], expiresApplies: boolean, now = Date.now()): CachePolicy.Headers {
  const headers: CachePolicy.Headers = {};
  const date = singleHttpDate(fieldValues(raw, 'date'), now);
  if (date !== undefined) headers.date = formatHttpDate(date);
  const lastModified = singleHttpDate(fieldValues(raw, 'last-modified'), now);
  if (lastModified !== undefined) headers['last-modified'] = formatHttpDate(lastModified);
  const age = ageSeconds(fieldValues(raw, 'age'));
  if (age !== undefined) headers.age = String(age);
  const etag = fieldValues(raw, 'etag')[0];
  if (etag !== undefined) headers.etag = etag;
  const expiresLines = expiresApplies ? fieldValues(raw, 'expires') : [];
  if (expiresLines.length > 0) {
    const expires = singleHttpDate(expiresLines, now);
    headers.expires = expires === undefined ? EXPIRED : formatHttpDate(expires);
  }
  return headers;
}

/**
 * `Age` in seconds (RFC 9111 §5.1): "a cache encountering a message with a list-based Age field
 * value SHOULD use the first member of the field value, discarding subsequent ones. If the field
 * value (after discarding additional members, as per above) is invalid (e.g., it contains
 * something other than a non-negative integer), a cache SHOULD ignore the field."
 */
export function ageSeconds(lines: readonly string[]): number | undefined {
  if (lines.length === 0) return undefined;
  const first = lines.join(',').split(',')[0]!.trim();
  if (!/^[0-9]+$/.test(first)) return undefined;
  return Math.min(Number(first), DELTA_SECONDS_MAX);
}

/**
 * The status the library is told. RFC 9111 §3 lets a cache store any final response whose
 * status it understands when it has explicit freshness; the library refuses statuses outside
 * its short list (400, 500, 503, unknown ones like 299). HARP understands every final status as
 * far as caching goes (it stores and replays them whole), so such a response is given to the
 * library as a 200: the status only gates storing there, the entry keeps the real one. Not for
 * 206 (HARP stores whole responses only) nor 304 (it updates a stored response, §4.3.4).
 */
export function libraryStatus(status: number, explicitFreshness: boolean): number {
  const final = status >= 200 && status <= 599 && status !== 206 && status !== 304;
  return explicitFreshness && final && !LIBRARY_UNDERSTOOD.has(status) ? STAND_IN_STATUS : status;
}

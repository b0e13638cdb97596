import type { IncomingHttpHeaders } from 'node:http';
import { contentRange, parseRange, selectRange, unsatisfiedRange, type ByteRange } from '../../http/byte-ranges.js';
import { fieldValues, withoutFields } from '../../http/raw-fields.js';
import type { CachedResponse } from './cache-entry.js';

/**
 * How a stored response answers a request that may carry `Range` (RFC 9110 §14.2, RFC 9111 §4):
 * - `whole`: the stored response as it is (no usable `Range`, or the cache chose to ignore it);
 * - `partial`: a 206 of `range`, sliced from the stored body, with `fields` (no `Age`);
 * - `unsatisfiable`: a 416 with `fields` and no content.
 */
export type RangeAnswer =
  | { readonly kind: 'whole' }
  | { readonly kind: 'partial'; readonly range: ByteRange; readonly fields: string[] }
  | { readonly kind: 'unsatisfiable'; readonly fields: string[] };

/**
 * Stored fields a 206 does not repeat: its own length and range replace them, and a
 * `Content-Digest` (or the obsolete `Content-MD5`) is of the whole content, not of the part.
 */
const NOT_IN_PARTIAL: ReadonlySet<string> = new Set(['content-length', 'content-range', 'content-digest', 'content-md5']);

/**
 * Answers `Range` from a stored response, after the client's `If-None-Match` / `If-Modified-Since`
 * have been evaluated (RFC 9110 §13.2.2: Range comes last). Only a GET (§14.2: "GET is the only
 * method for which range handling is defined"; a HEAD gets the whole head) and only a stored 200
 * (a range of an error or a redirect means nothing). `If-Range` (§13.1.5) that does not hold
 * gets the whole response. Unknown units and invalid ranges are ignored (§14.2).
 */
export function rangeAnswer(entry: CachedResponse, method: string, headers: IncomingHttpHeaders): RangeAnswer {
  if (method !== 'GET' || entry.status !== 200) return { kind: 'whole' };
  const specs = parseRange(headers.range);
  if (specs === undefined) return { kind: 'whole' };
  const ifRange = headers['if-range'];
  // One validator only: repeated If-Range lines cannot hold.
  if (ifRange !== undefined && (typeof ifRange !== 'string' || !ifRangeHolds(ifRange, entry))) return { kind: 'whole' };
  const length = entry.body.length;
  const selection = selectRange(specs, length);
  switch (selection.kind) {
    case 'whole':
      return selection;
    case 'unsatisfiable':
      // Nothing of the stored representation: its fields describe a body this answer lacks, and
      // its freshness would let a downstream cache keep the 416 as if it were the resource.
      return { kind: 'unsatisfiable', fields: ['Content-Range', unsatisfiedRange(length), 'Content-Length', '0'] };
    case 'partial': {
      const { range } = selection;
      const fields = withoutFields(entry.headers, NOT_IN_PARTIAL);
      fields.push('Content-Range', contentRange(range, length), 'Content-Length', String(range.end - range.start + 1));
      return { kind: 'partial', range, fields };
    }
  }
}

/**
 * `If-Range` (RFC 9110 §13.1.5): an entity-tag holds when it is strong and equal to the stored
 * strong `ETag` (strong comparison, §8.8.3.2); an HTTP-date holds when it equals the stored
 * `Last-Modified` and that is a strong validator: the stored `Date` is at least one second
 * later (§8.8.2.2, the rule for a cache comparing with its own entry). Anything else — a weak
 * tag, no stored validator, a date that does not parse — does not hold.
 */
export function ifRangeHolds(value: string, entry: CachedResponse): boolean {
  const wanted = value.trim();
  if (wanted.startsWith('"') || wanted.startsWith('W/')) {
    const stored = fieldValues(entry.headers, 'etag')[0]?.trim();
    return stored !== undefined && wanted.startsWith('"') && wanted.length > 1 && wanted.endsWith('"') && stored === wanted;
  }
  const since = Date.parse(wanted);
  const lastModified = Date.parse(fieldValues(entry.headers, 'last-modified')[0] ?? '');
  const date = Date.parse(fieldValues(entry.headers, 'date')[0] ?? '');
  if (Number.isNaN(since) || Number.isNaN(lastModified) || Number.isNaN(date)) return false;
  return since === lastModified && date - lastModified >= 1000;
}

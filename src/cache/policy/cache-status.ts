/**
 * `Cache-Status` (RFC 9211): one list member per cache that handled the request, naming the
 * cache and saying what it did. HARP's member is named `HARP`.
 */

/** The identifier of HARP's member (§2: an sf-token or sf-string). */
export const CACHE_NAME = 'HARP';

/**
 * Why the request went forward (§2.2). "The most specific reason known to the cache SHOULD be
 * used."
 * - `bypass`: the cache was configured not to handle it (cache off, route opted out, a GET
 *   with content);
 * - `method`: the method's semantics require forwarding (anything but GET and HEAD);
 * - `uri-miss`: nothing stored for the URI; `vary-miss`: something stored, but not for this
 *   request's `Vary` fields; `miss`: either, when the two cannot be told apart;
 * - `request`: a fresh response was stored but the request did not allow its use
 *   (`no-cache`, `max-age=0`, `min-fresh`);
 * - `stale`: the stored response was stale (and maybe revalidated: see `fwd-status`);
 * - `partial`: a partial response was stored.
 */
export type ForwardReason = 'bypass' | 'method' | 'uri-miss' | 'vary-miss' | 'miss' | 'request' | 'stale' | 'partial';

/** Parameters shared by hits and forwards. */
interface Common {
  /**
   * Remaining freshness lifetime in seconds as HARP calculated it (§2.4), rounded down;
   * negative when stale.
   */
  readonly ttl?: number;
  /** The cache key, for debugging (§2.7). Leave out where keys are sensitive. */
  readonly key?: string;
  /** Implementation-specific detail (§2.8), e.g. `stale` or `store-unavailable`. */
  readonly detail?: string;
}

/** The request was satisfied from the cache (§2.1). */
export interface CacheHit extends Common {
  readonly hit: true;
}

/** The request went forward (§2.2). */
export interface CacheForward extends Common {
  readonly fwd: ForwardReason;
  /** The status the next hop returned, when it differs from the response's (§2.3), e.g. 304. */
  readonly fwdStatus?: number;
  /** Whether HARP stored the forwarded response (§2.5). Omitted means not stored. */
  readonly stored?: boolean;
  /** Whether this request was collapsed with others (§2.6): true if it reused their response. */
  readonly collapsed?: boolean;
}

export type CacheStatus = CacheHit | CacheForward;

const TOKEN = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;

/**
 * HARP's member, e.g. `HARP; hit; ttl=376`, `HARP; fwd=uri-miss; stored; ttl=60`,
 * `HARP; fwd=stale; fwd-status=304`. Parameters come in a fixed order; booleans are bare when
 * true, `=?0` when explicitly false (RFC 8941 §4.1.9).
 */
export function formatCacheStatus(status: CacheStatus): string {
  // The common hit, formatted on every one of them: no list to build and join.
  if ('hit' in status && status.key === undefined && status.detail === undefined) {
    return status.ttl === undefined ? `${CACHE_NAME}; hit` : `${CACHE_NAME}; hit; ttl=${integer(status.ttl)}`;
  }
  const parts = [CACHE_NAME];
  if ('hit' in status) {
    parts.push('hit');
  } else {
    parts.push(`fwd=${status.fwd}`);
    if (status.fwdStatus !== undefined) parts.push(`fwd-status=${integer(status.fwdStatus)}`);
    if (status.stored !== undefined) parts.push(status.stored ? 'stored' : 'stored=?0');
    if (status.collapsed !== undefined) parts.push(status.collapsed ? 'collapsed' : 'collapsed=?0');
  }
  if (status.ttl !== undefined) parts.push(`ttl=${integer(status.ttl)}`);
  if (status.key !== undefined) parts.push(`key=${sfString(status.key)}`);
  if (status.detail !== undefined) {
    parts.push(`detail=${TOKEN.test(status.detail) ? status.detail : sfString(status.detail)}`);
  }
  return parts.join('; ');
}

/**
 * The field value with HARP's member appended: "caches SHOULD preserve the existing contents"
 * and the member "closest to the client" comes last (§2).
 */
export function appendCacheStatus(existing: string | readonly string[] | undefined, member: string): string {
  const prior = (typeof existing === 'string' ? [existing] : (existing ?? [])).map((v) => v.trim()).filter(Boolean);
  return [...prior, member].join(', ');
}

/** Seconds as an sf-integer: whole, in range (RFC 8941 §3.3.1 allows 15 digits). */
function integer(value: number): string {
  const whole = Math.floor(value);
  const bound = 999_999_999_999_999;
  return String(Math.max(-bound, Math.min(bound, Number.isFinite(whole) ? whole : 0)));
}

/** An sf-string; characters outside printable ASCII are replaced, as sf-strings cannot hold them. */
function sfString(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&')}"`;
}

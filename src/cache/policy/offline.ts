import type { CachedResponse } from './cache-entry.js';
import { decide } from './cache-decision.js';
import { NO_STALE, parseDirectives, revivePolicy } from './policy-input.js';
import { staleIfError } from './revalidation.js';
import type { CacheRequest } from './storability.js';

/**
 * What a cache that cannot reach the origin (no route, no member that can take the request,
 * or the one it went to failed before answering) may do with the response stored for a GET or
 * HEAD.
 *
 * RFC 9111 §4.2.4: "A cache MUST NOT generate a stale response unless it is disconnected or
 * doing so is explicitly permitted by the client or origin server", and never "if it is
 * prohibited by an explicit in-protocol directive". HARP is disconnected then, so it may serve
 * a stale response within a bound of its own (config `cacheOfflineMaxStaleMs`), unless the
 * origin or the client said otherwise.
 */
export type OfflineVerdict =
  /** What the cache serves with a backend at hand too: fresh, or stale within the client's `max-stale`. */
  | { readonly kind: 'hit'; readonly ttl: number; readonly stale: boolean }
  /**
   * Stale, served only because the origin cannot be reached: within `cacheOfflineMaxStaleMs`
   * past its freshness, or within the origin's own `stale-if-error` window (RFC 5861 §4: no
   * backend is an error that "would result in a 500, 502, 503, or 504").
   */
  | { readonly kind: 'stale'; readonly ttl: number; readonly allowedBy: 'offline' | 'stale-if-error' }
  | { readonly kind: 'refuse'; readonly reason: OfflineRefusal };

/** Why a stored response is not served while the origin cannot be reached. */
export type OfflineRefusal =
  /** The response said `no-cache`: never used without validation, fresh or not (§5.2.2.4). */
  | 'no-cache'
  /** `must-revalidate` or `proxy-revalidate`: "if a cache is disconnected, the cache MUST generate an error response" (§5.2.2.2, §5.2.2.8). */
  | 'must-revalidate'
  /** `s-maxage`: it "incorporates the semantics of the proxy-revalidate response directive" for a shared cache (§5.2.2.10). */
  | 's-maxage'
  /** The client's own directives rule it out (§5.2.1). */
  | 'request'
  /** Stale by more than the limit (and outside any `stale-if-error` window). */
  | 'too-stale';

export interface OfflineOptions {
  /** How long past its freshness a stored response may be served while offline, in ms; 0: never. */
  readonly maxStaleMs: number;
  /** The clock, for tests. @default Date.now() */
  readonly now?: number;
}

/**
 * Decides whether `entry` answers `request` while no backend can. Rules, in order:
 * 1. what `decide` serves as a hit anyway is served (a fresh response, or one within the
 *    client's `max-stale`, §4.2, §5.2.1.2);
 * 2. a response with `no-cache` never (§5.2.2.4);
 * 3. a fresh one the client refused (`no-cache`, `max-age`, `min-fresh`) is not served: the
 *    client asked for validation the origin cannot give (§5.2.1.1, §5.2.1.3, §5.2.1.4);
 * 4. a stale one never with `must-revalidate`/`proxy-revalidate` (§5.2.2.2, §5.2.2.8) or
 *    `s-maxage` (§5.2.2.10);
 * 5. nor when the client said it wants no stale response: request `no-cache` or `Pragma:
 *    no-cache` (§5.2.1.4, §5.4), `min-fresh` (§5.2.1.3), `max-age` without `max-stale`
 *    (§5.2.1.1: "the client does not wish to receive a stale response"), or a `max-stale=N`
 *    it is past (§5.2.1.2);
 * 6. otherwise within the origin's `stale-if-error` window (RFC 5861 §4), or within
 *    `maxStaleMs` past its freshness (§4.2.4, disconnected).
 */
export function offlineVerdict(request: CacheRequest, entry: CachedResponse, options: OfflineOptions): OfflineVerdict {
  const now = options.now ?? Date.now();
  const connected = decide(request, entry, 'uri-miss', now);
  if (connected.kind === 'hit') return { kind: 'hit', ttl: connected.ttl, stale: connected.stale };
  const refuse = (reason: OfflineRefusal): OfflineVerdict => ({ kind: 'refuse', reason });
  const rescc = entry.policy.rescc;
  if ('no-cache' in rescc) return refuse('no-cache');
  const policy = revivePolicy(entry.policy, now);
  const ttl = policy.maxAge() - policy.age();
  if (!policy.stale()) return refuse('request');
  if (NO_STALE in rescc) return refuse('must-revalidate');
  if ('s-maxage' in rescc) return refuse('s-maxage');
  if (refusesStale(request)) return refuse('request');
  if (staleIfError(request, entry, now)) return { kind: 'stale', ttl, allowedBy: 'stale-if-error' };
  if (options.maxStaleMs > 0 && -ttl * 1000 <= options.maxStaleMs) return { kind: 'stale', ttl, allowedBy: 'offline' };
  return refuse('too-stale');
}

/** Whether the request's own directives rule out a stale response (rule 5 above). */
function refusesStale(request: CacheRequest): boolean {
  const cc = request.headers['cache-control'];
  const directives = parseDirectives(cc);
  if (cc === undefined && /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(String(request.headers.pragma ?? ''))) return true;
  if (directives.has('no-cache') || directives.has('min-fresh')) return true;
  // Within a `max-stale` the client gave, `decide` has served it already: here it is past it.
  if (directives.has('max-stale')) return true;
  return directives.has('max-age');
}

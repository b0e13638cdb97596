import type CachePolicy from 'http-cache-semantics';
import type { CachedResponse } from './cache-entry.js';
import type { ForwardReason } from './cache-status.js';
import { NO_STALE, parseDirectives, policyRequest, readPolicy } from './policy-input.js';
import type { CacheRequest, RouteCacheOptions } from './storability.js';

export { isStorable, storageVerdict, type CacheRequest, type RouteCacheOptions } from './storability.js';

/**
 * Fields to change in the forwarded request to revalidate a stored response (RFC 9111 §4.3.1):
 * remove every field named in `remove`, then add `add`. The validators of the stored response
 * are merged with the client's own (`If-None-Match: "client", "stored"`).
 */
export interface ConditionalFields {
  readonly remove: ReadonlySet<string>;
  readonly add: ReadonlyArray<readonly [string, string]>;
}

/** Why a request is not looked up at all, or undefined when it is. */
export type LookupBypass = { readonly fwd: 'bypass' | 'method'; readonly detail?: string };

/** What to do with a request, given what the cache holds for it. */
export type CacheDecision =
  /** Serve the stored response (RFC 9111 §4.2): fresh, or stale within the client's `max-stale`. */
  | { readonly kind: 'hit'; readonly age: number; readonly ttl: number; readonly stale: boolean }
  /**
   * Serve the stored response and revalidate in the background (RFC 5861 §3,
   * `stale-while-revalidate`).
   */
  | {
      readonly kind: 'stale-while-revalidate';
      readonly age: number;
      readonly ttl: number;
      readonly conditional: ConditionalFields;
    }
  /** Forward with `conditional` and apply the answer with `applyRevalidation` (RFC 9111 §4.3). */
  | { readonly kind: 'revalidate'; readonly fwd: 'stale' | 'request'; readonly conditional: ConditionalFields }
  /** Nothing usable is stored: forward as is. */
  | { readonly kind: 'miss'; readonly fwd: 'uri-miss' | 'vary-miss' | 'miss' }
  /**
   * `only-if-cached` and nothing usable: answer 504 without contacting the backend
   * (RFC 9111 §5.2.1.7).
   */
  | { readonly kind: 'unsatisfiable' };

/** Request methods HARP answers from the cache. */
const LOOKUP_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Whether to skip the cache for a request before looking anything up: `bypass` when the cache
 * or the route is off, or for a GET or HEAD with content (a "fat GET": the body is forwarded but is not part of the key,
 * so a backend that reads parameters from it would let one client choose the stored response,
 * RFC 9110 §9.3.1); `method` for methods other than GET and HEAD (RFC 9211 §2.2). Unsafe methods
 * still invalidate (`invalidation.ts`). A `Range` request is looked up: a stored complete
 * response answers it (`range-answer.ts`).
 */
export function lookupBypass(
  request: CacheRequest,
  route: RouteCacheOptions = {},
  cacheEnabled = true,
): LookupBypass | undefined {
  if (!cacheEnabled || route.enabled === false) return { fwd: 'bypass' };
  if (!LOOKUP_METHODS.has(request.method)) return { fwd: 'method' };
  if (hasContent(request.headers)) return { fwd: 'bypass', detail: 'request-body' };
  return undefined;
}

/**
 * Decides how to answer a GET or HEAD request (RFC 9111 §4) from the entry selected for it, or
 * from the lack of one (`missReason` says which kind of miss for `Cache-Status`).
 *
 * The library's `evaluateRequest` does the work: request `no-cache`/`Pragma`, `max-age`,
 * `min-fresh` and `max-stale`, freshness and `stale-while-revalidate`. HARP adds what the library
 * leaves out: a stale response is never used without revalidation when it said
 * `must-revalidate`, `proxy-revalidate` or `no-cache` (RFC 9111 §4.2.4, §5.2.2.2, §5.2.2.4,
 * §5.2.2.8), nor served to a client's `max-stale` when it said `s-maxage` (§5.2.2.10: implies
 * `proxy-revalidate` for shared caches; the origin's own `stale-while-revalidate` still
 * applies); and `only-if-cached` (§5.2.1.7).
 */
export function decide(
  request: CacheRequest,
  entry: CachedResponse | undefined,
  missReason: 'uri-miss' | 'vary-miss' | 'miss' = 'uri-miss',
  now = Date.now(),
): CacheDecision {
  const onlyIfCached = parseDirectives(request.headers['cache-control']).has('only-if-cached');
  if (entry === undefined) return onlyIfCached ? { kind: 'unsatisfiable' } : { kind: 'miss', fwd: missReason };

  const policy = readPolicy(entry.policy, now);
  const libraryRequest = policyRequest(request.method, request.headers);
  const result = policy.evaluateRequest(libraryRequest);
  const stale = policy.stale();
  const age = policy.age();
  const ttl = policy.maxAge() - age;
  const rescc = entry.policy.rescc;
  const neverStale = NO_STALE in rescc || 'no-cache' in rescc;
  const revalidate = (fwd: 'stale' | 'request'): CacheDecision =>
    onlyIfCached
      ? { kind: 'unsatisfiable' }
      : { kind: 'revalidate', fwd, conditional: conditionalFields(policy, request) };

  if (result.revalidation === undefined) {
    if (stale && (neverStale || 's-maxage' in rescc)) return revalidate('stale');
    return { kind: 'hit', age, ttl, stale };
  }
  if (!result.revalidation.synchronous && result.response !== undefined && !neverStale) {
    return { kind: 'stale-while-revalidate', age, ttl, conditional: conditionalFields(policy, request) };
  }
  return revalidate(stale ? 'stale' : 'request');
}

// Node's parser has already refused requests with both framing fields or a malformed length.
function hasContent(headers: CacheRequest['headers']): boolean {
  const length = headers['content-length'];
  return length !== undefined ? length !== '0' : headers['transfer-encoding'] !== undefined;
}

/** The conditional request fields that revalidate `policy`'s response for `request`. */
function conditionalFields(policy: CachePolicy, request: CacheRequest): ConditionalFields {
  // The full request, so that the library merges the client's own validators and drops
  // If-Range; but without Host, which stored policies leave out (the key already holds it): the
  // library compares the two and, on a mismatch, sends no validator at all.
  const { host: _host, ...headers } = request.headers;
  const fields = policy.revalidationHeaders({ method: 'GET', headers });
  const add: Array<readonly [string, string]> = [];
  for (const name of ['if-none-match', 'if-modified-since']) {
    const value = fields[name];
    if (typeof value === 'string') add.push([name, value]);
  }
  return { remove: CONDITIONAL_FIELDS, add };
}

// `Range` too: the cache revalidates (and refreshes) the whole stored response, and cuts the
// client's part from it; If-Range is evaluated against what it then holds.
const CONDITIONAL_FIELDS: ReadonlySet<string> = new Set(['if-none-match', 'if-modified-since', 'if-range', 'range']);

/** The `fwd` reason of a decision that forwards, for `Cache-Status`. */
export function forwardReason(decision: CacheDecision): ForwardReason | undefined {
  return decision.kind === 'revalidate' || decision.kind === 'miss' ? decision.fwd : undefined;
}

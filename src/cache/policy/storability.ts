import type { IncomingHttpHeaders } from 'node:http';
import type CachePolicy from 'http-cache-semantics';
import type { PolicyObject } from './cache-entry.js';
import type { ResponseHead } from './cached-response.js';
import {
  newPolicy,
  parseDirectives,
  policyRequest,
  policyResponse,
  responseDirectives,
  type FreshnessOptions,
} from './policy-input.js';
import { fieldValues, hasField } from '../../http/raw-fields.js';
import { singleHttpDate } from '../../http/http-date.js';
import { parseVary } from './vary.js';
import { resolvedKey } from './cache-key.js';
import { DELTA_SECONDS_MAX } from './freshness-fields.js';

/** A request as the cache sees it. */
export interface CacheRequest {
  /** The method as received, e.g. `GET`. */
  readonly method: string;
  /**
   * Request fields by lowercased name (Node's `IncomingHttpHeaders`), as forwarded to the backend:
   * `Vary` selects on what the backend saw.
   */
  readonly headers: IncomingHttpHeaders;
}

/** Cache settings of one route (the route-level hook). */
export interface RouteCacheOptions extends FreshnessOptions {
  /**
   * False opts the route out: nothing is looked up or stored (`Cache-Status: fwd=bypass`).
   * @default true
   */
  readonly enabled?: boolean;
}

/** What {@link storageVerdict} needs besides the exchange. */
export interface StorageOptions extends RouteCacheOptions {
  /** Largest body stored, in bytes (config `cacheMaxObjectBytes`). */
  readonly maxObjectBytes: number;
  /**
   * How long past its usable lifetime an entry with a validator (`ETag` or `Last-Modified`) is
   * kept, so that it can be revalidated with a 304 rather than fetched again, in ms.
   * @default 300000
   */
  readonly revalidationWindowMs?: number;
  /** The clock, for tests. @default Date.now() */
  readonly now?: number;
  /**
   * The request's `cacheKey`. A POST response is judged only with it: RFC 9110 §9.3.3 lets
   * one answer a later GET when it has explicit freshness and a `Content-Location` naming the
   * POST's target URI.
   */
  readonly targetKey?: string;
}

/** Why a response is not stored. */
export type NotStoredReason =
  | 'disabled'
  | 'method'
  | 'range'
  | 'too-large'
  | 'set-cookie'
  | 'vary-star'
  | 'vary-per-client'
  | 'no-store'
  | 'private'
  | 'authorization'
  | 'not-cacheable'
  | 'no-freshness';

/** The outcome of {@link storageVerdict}. */
export type StorageVerdict =
  | {
      readonly store: true;
      /** The policy to keep in the entry (`createCachedResponse`). */
      readonly policy: PolicyObject;
      /** Storage TTL, in ms: usable lifetime plus the revalidation window when there is a validator. */
      readonly ttlMs: number;
      /** Lowercased `Vary` names; empty when the response does not vary. */
      readonly vary: readonly string[];
    }
  | { readonly store: false; readonly reason: NotStoredReason };

export const DEFAULT_REVALIDATION_WINDOW_MS = 300_000;

/** Statuses cacheable by default (RFC 9110 §15.1): without freshness fields they lack only a lifetime. */
const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501]);

/** Response fields that give a lifetime, allow a heuristic one, or allow revalidation. */
const FRESHNESS_FIELDS = ['cache-control', 'cdn-cache-control', 'expires', 'last-modified', 'etag'];

/**
 * Request fields the proxy itself sets on every forwarded request from the connection
 * (`src/http/forwarding.ts`) or the request id: each names one client or one request. The
 * fields `Vary` is matched on are the client's, without these (the proxy drops what the client
 * sent for them), so two clients would select the same variant although the backend chose the
 * response by who asked: such responses are not stored. (`X-Forwarded-Host` and `-Proto` are
 * not listed: they come from the host and scheme, which are in the cache key.)
 */
export const PER_CLIENT_FIELDS: ReadonlySet<string> = new Set(['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-request-id']);

/**
 * Whether a response may be stored, and for how long (RFC 9111 §3), judged from its head.
 *
 * Beyond the library's checks (understood status, `no-store`, `private`, explicit freshness or a
 * status cacheable by default, RFC 9111 §3 and §4.2.2 for heuristics), HARP refuses:
 * - methods other than GET (a HEAD response has no body to serve a GET with), except a POST
 *   response with explicit freshness and a `Content-Location` that resolves to the target URI
 *   (RFC 9110 §9.3.3, RFC 9111 §4): it is judged as the GET response it will be reused as;
 * - requests with `Range`: their 206 is a fragment, HARP stores whole responses only (a stored
 *   one answers later ranges, `range-answer.ts`);
 * - bodies over `maxObjectBytes`, when known: call again with the final size at the end, or
 *   with `undefined` while it is still unknown (chunked);
 * - `Set-Cookie`: RFC 9111 §7.3 notes that it "does not inhibit caching" and that such responses
 *   "can be (and often is)" reused, which hands one user's session to the next; like Varnish's
 *   and nginx's defaults, HARP does not store them (storing them minus the cookie would still
 *   serve a body made for that session);
 * - `Vary: *`: such a response never matches a later request (RFC 9111 §4.1);
 * - `Vary` naming a field the proxy sets per client ({@link PER_CLIENT_FIELDS}): the response was
 *   made for one client, and matching could not tell the next one apart;
 * - a request with `Authorization`, unless the response says `public`, `s-maxage` or
 *   `must-revalidate` (RFC 9111 §3.5);
 * - a lifetime of zero without a validator: nothing could ever be reused.
 */
export function storageVerdict(
  request: CacheRequest,
  response: ResponseHead,
  bodyBytes: number | undefined,
  options: StorageOptions,
): StorageVerdict {
  if (options.enabled === false) return refuse('disabled');
  if (request.method === 'POST') {
    if (!namesItself(response.headers, options.targetKey)) return refuse('method');
    if (!hasExplicitFreshness(response.headers)) return refuse('no-freshness');
  } else if (request.method !== 'GET') return refuse('method');
  if (request.headers.range !== undefined) return refuse('range');
  if (bodyBytes !== undefined && bodyBytes > options.maxObjectBytes) return refuse('too-large');
  const raw = response.headers;
  if (hasField(raw, 'set-cookie') || hasField(raw, 'set-cookie2')) return refuse('set-cookie');
  const vary = hasField(raw, 'vary') ? parseVary(fieldValues(raw, 'vary')) : parseVary(undefined);
  if (vary.wildcard) return refuse('vary-star');
  for (const name of vary.names) if (PER_CLIENT_FIELDS.has(name)) return refuse('vary-per-client');
  const { directives } = responseDirectives(raw);
  if (directives.has('no-store') || parseDirectives(request.headers['cache-control']).has('no-store')) {
    return refuse('no-store');
  }
  if (directives.has('private')) return refuse('private');
  if (request.headers.authorization !== undefined && !allowsAuthenticated(directives)) return refuse('authorization');

  // No lifetime, nothing for a heuristic, no validator and no route default: nothing about this
  // response could ever be reused (RFC 9111 §4.2, §4.3). The common case of uncacheable traffic
  // is judged here without building a policy.
  if (options.defaultTtlMs === undefined && !hasAnyField(raw, FRESHNESS_FIELDS)) {
    return refuse(HEURISTICALLY_CACHEABLE.has(response.status) ? 'no-freshness' : 'not-cacheable');
  }
  const now = options.now ?? Date.now();
  // A POST that gets this far is stored as the GET response it answers for.
  const libraryRequest = policyRequest('GET', request.headers);
  const policy = newPolicy(libraryRequest, policyResponse(response.status, raw, options, now), now);
  if (!policy.storable()) return refuse('not-cacheable');
  const ttlMs = storageTtlMs(policy, raw, options.revalidationWindowMs);
  if (ttlMs <= 0) return refuse('no-freshness');
  return { store: true, policy: policy.toObject(), ttlMs, vary: vary.names };
}

function hasAnyField(raw: readonly string[], lowerNames: readonly string[]): boolean {
  for (const name of lowerNames) if (hasField(raw, name)) return true;
  return false;
}

function refuse(reason: NotStoredReason): StorageVerdict {
  return { store: false, reason };
}

/** `storageVerdict(...).store`. */
export function isStorable(
  request: CacheRequest,
  response: ResponseHead,
  bodyBytes: number | undefined,
  options: StorageOptions,
): boolean {
  return storageVerdict(request, response, bodyBytes, options).store;
}

/**
 * How long to keep an entry, in ms: while it is usable (fresh, or within `stale-while-revalidate`
 * or `stale-if-error`: the library's `timeToLive()`), plus the revalidation window when it has a
 * validator. 0 means not worth storing.
 */
export function storageTtlMs(
  policy: CachePolicy,
  raw: readonly string[],
  revalidationWindowMs = DEFAULT_REVALIDATION_WINDOW_MS,
): number {
  // A lifetime beyond 2^31 seconds is taken as 2^31 (RFC 9111 §1.2.2): nearly 68 years.
  const usable = Math.min(Math.max(0, Math.ceil(policy.timeToLive())), DELTA_SECONDS_MAX * 1000);
  // An invalid Last-Modified is not sent back in If-Modified-Since, so it validates nothing.
  const validator = hasField(raw, 'etag') || singleHttpDate(fieldValues(raw, 'last-modified')) !== undefined;
  return validator ? usable + revalidationWindowMs : usable;
}

/** RFC 9110 §9.3.3: a `Content-Location` with "the same value as the POST's target URI". */
function namesItself(raw: readonly string[], targetKey: string | undefined): boolean {
  const lines = fieldValues(raw, 'content-location');
  if (targetKey === undefined || lines.length !== 1) return false;
  return resolvedKey(lines[0]!.trim(), targetKey) === targetKey;
}

/** `max-age`, `s-maxage` or `Expires` (RFC 9111 §4.2.1), after RFC 9213's targeted field. */
export function hasExplicitFreshness(raw: readonly string[]): boolean {
  const { directives, legacyFieldsApply } = responseDirectives(raw);
  return directives.has('max-age') || directives.has('s-maxage') || (legacyFieldsApply && hasField(raw, 'expires'));
}

/** RFC 9111 §3.5: "must-revalidate, public, and s-maxage" let a shared cache store such a response. */
function allowsAuthenticated(directives: ReadonlyMap<string, string | true>): boolean {
  return directives.has('public') || directives.has('s-maxage') || directives.has('must-revalidate');
}

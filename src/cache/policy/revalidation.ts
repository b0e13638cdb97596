import type { CachedResponse } from './cache-entry.js';
import { updatedFields, type ResponseHead } from './cached-response.js';
import { NO_STALE, newPolicy, policyRequest, policyResponse, revivePolicy } from './policy-input.js';
import { hasField } from '../../http/raw-fields.js';
import { hasExplicitFreshness, storageTtlMs, type CacheRequest, type StorageOptions } from './storability.js';

/** What the answer to a revalidation request means (RFC 9111 §4.3.3). */
export type RevalidationOutcome =
  /**
   * 304 for the stored response's validator: serve `entry` (the stored response with the 304's
   * fields, RFC 9111 §4.3.4) and, when `ttlMs > 0`, store it again under the same key.
   */
  | { readonly kind: 'not-modified'; readonly entry: CachedResponse; readonly ttlMs: number }
  /**
   * 304 that does not select the stored response, to a request that carried the client's own
   * validators (it may have answered those): pass it to the client; the entry stays as it is.
   */
  | { readonly kind: 'not-modified-unmatched' }
  /** A 5xx, and the stored response allows `stale-if-error` (RFC 5861 §4): serve it instead. */
  | { readonly kind: 'stale-if-error' }
  /** A new response: pass it on and judge it with `storageVerdict` like any other. */
  | { readonly kind: 'modified' };

/**
 * Applies the backend's answer to a conditional request sent for `decide`'s `revalidate` or
 * `stale-while-revalidate` outcome, with the library's `revalidatedPolicy` deciding whether a
 * 304 selects the stored response (strong, then weak validators, RFC 9111 §4.3.4).
 *
 * @param response the answer's head (status and raw fields)
 */
export function applyRevalidation(
  request: CacheRequest,
  entry: CachedResponse,
  response: ResponseHead,
  options: Pick<StorageOptions, 'defaultTtlMs' | 'revalidationWindowMs' | 'now'> = {},
): RevalidationOutcome {
  const now = options.now ?? Date.now();
  const policy = revivePolicy(entry.policy, now);
  const libraryRequest = policyRequest(request.method, request.headers);
  if (response.status >= 500) {
    return masksError(entry, response) && staleIfError(request, entry, now) ? { kind: 'stale-if-error' } : { kind: 'modified' };
  }
  if (response.status !== 304) return { kind: 'modified' };

  const { matches } = policy.revalidatedPolicy(libraryRequest, policyResponse(304, response.headers, {}, now));
  if (!matches) {
    if (hasClientValidators(request)) return { kind: 'not-modified-unmatched' };
    // Only the stored response's validators were sent, so the 304 is about it, and a client that
    // asked unconditionally cannot use a 304. One without validators of its own (a bare 304, or
    // one without the ETag) selects it (§4.3.4 for the single response HARP nominated); one that
    // names another validator contradicts it: serve the stored response, do not freshen it.
    if (hasValidator(response.headers)) return { kind: 'not-modified', entry, ttlMs: 0 };
  }
  const headers = updatedFields(entry.headers, response.headers);
  // The merged fields are judged afresh: the 304 may bring new Cache-Control, Date or ETag.
  const fresh = newPolicy(libraryRequest, policyResponse(entry.status, headers, options, now), now);
  const ttlMs = fresh.storable() ? storageTtlMs(fresh, headers, options.revalidationWindowMs) : 0;
  return { kind: 'not-modified', entry: { ...entry, headers, policy: fresh.toObject(), storedAt: now }, ttlMs };
}

/**
 * Whether the stored response may be served because the backend failed (no answer, or a 5xx):
 * within its `stale-if-error` window (RFC 5861 §4) and not forbidden by `must-revalidate`,
 * `proxy-revalidate` or `no-cache` (RFC 9111 §4.2.4).
 */
export function staleIfError(request: CacheRequest, entry: CachedResponse, now = Date.now()): boolean {
  if (NO_STALE in entry.policy.rescc || 'no-cache' in entry.policy.rescc) return false;
  const policy = revivePolicy(entry.policy, now);
  // The library answers an error with the very same policy when stale-if-error allows it.
  const result = policy.revalidatedPolicy(policyRequest(request.method, request.headers), { status: 504, headers: {} });
  return result.policy === policy && !result.modified;
}

/**
 * RFC 9111 §4.3.3: given a 5xx while validating, a cache "can either forward this response to the
 * requesting client or act as if the server failed to respond", serving what it stored. A 5xx
 * with explicit freshness is the origin saying the error is the current response for that long:
 * it is passed on and replaces the entry (§4.3.3, like any full response) — unless the stored
 * response allows `stale-if-error`, which exists to mask errors (RFC 5861 §4).
 */
function masksError(entry: CachedResponse, response: ResponseHead): boolean {
  return 'stale-if-error' in entry.policy.rescc || !hasExplicitFreshness(response.headers);
}

/** Whether the client sent validators of its own (merged into the revalidation request). */
function hasClientValidators(request: CacheRequest): boolean {
  return request.headers['if-none-match'] !== undefined || request.headers['if-modified-since'] !== undefined;
}

function hasValidator(raw: readonly string[]): boolean {
  return hasField(raw, 'etag') || hasField(raw, 'last-modified');
}

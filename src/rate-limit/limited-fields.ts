import { serializeList } from 'structured-headers';
import type { Policy } from './rate-limit-plan.js';

/**
 * The fields of a `429 rate_limited` answer, raw form `[name, value, …]`:
 *
 * - `Retry-After` (RFC 9110 §10.2.3): whole seconds until the bucket has a token again, at
 *   least 1 (a 0 would invite an immediate retry that is refused again);
 * - `RateLimit-Policy` and `RateLimit`, as draft-ietf-httpapi-ratelimit-headers-09 (§4, §5)
 *   defines them: each a Structured Field List (RFC 9651) of one Item, the policy's name as a
 *   String with parameters `q` (the quota: requests per window) and `w` (the window, seconds),
 *   and `r` (remaining: 0 here) and `t` (seconds until the quota resets), e.g.
 *   `RateLimit-Policy: "default";q=100;w=1` and `RateLimit: "default";r=0;t=1`.
 *
 * @param msBeforeNext what the bucket said: ms until its window ends
 */
export function limitedFields(policy: Policy, msBeforeNext: number): string[] {
  const seconds = retryAfterSeconds(msBeforeNext);
  const { limit, windowSeconds } = policy.rate;
  return [
    'Retry-After', String(seconds),
    'RateLimit-Policy', serializeList([[policy.name, new Map([['q', limit], ['w', windowSeconds]])]]),
    'RateLimit', serializeList([[policy.name, new Map([['r', 0], ['t', seconds]])]]),
  ];
}

/** Whole seconds, rounded up, never below 1. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}

import type { PolicyObject } from './cache-entry.js';
import { revivePolicy } from './policy-input.js';

/** Seconds of freshness a stored policy has left (negative when stale), for `Cache-Status: ttl`. */
export function freshnessTtl(policy: PolicyObject, now = Date.now()): number {
  const revived = revivePolicy(policy, now);
  return Math.floor(revived.maxAge() - revived.age());
}

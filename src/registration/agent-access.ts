import { plainPolicy, type AccessPolicy } from '../access/index.js';
import type { KeyRule } from '../config/index.js';
import type { RouteAccess } from '../protocol/index.js';

/** Why a route's `access` was refused (docs/protocol.md §7.2). */
export interface AccessRejection {
  readonly code: 'route_access_forbidden' | 'route_access_invalid';
  readonly reason: string;
}

/**
 * The policy a route's agent asked for, hashed on receipt, or why it is refused: the key's rule
 * must allow agents to ask (`agentAccess`; only the rule made from `key` does by default).
 */
export function agentAccess(rule: KeyRule, access: RouteAccess): AccessPolicy | AccessRejection {
  if (rule.agentAccess !== true) {
    return { code: 'route_access_forbidden', reason: `key "${rule.id}" may not ask for access rules (its rule's agentAccess is off)` };
  }
  const policy = plainPolicy(access);
  return 'invalid' in policy ? { code: 'route_access_invalid', reason: policy.invalid } : policy;
}

/**
 * {@link agentAccess} for one `register` message: routes that carry the same rules share one
 * policy, so that the scrypt work is paid once per distinct set of rules, not once per route.
 */
export function memoizedAccess(rule: KeyRule): (access: RouteAccess) => AccessPolicy | AccessRejection {
  const made = new Map<string, AccessPolicy | AccessRejection>();
  return (access) => {
    const key = JSON.stringify(access);
    let policy = made.get(key);
    if (policy === undefined) made.set(key, (policy = agentAccess(rule, access)));
    return policy;
  };
}

import { asksCredentials, type AccessPolicy } from './access-policy.js';
import { parseAuthorization } from './authorization.js';
import type { CredentialCheck } from './credential-check.js';

/** What a visitor brings: the client address (after the trusted-proxies rule) and `Authorization`. */
export interface Visitor {
  readonly address: string | undefined;
  readonly authorization: string | string[] | undefined;
}

/** What the gate does with a request. */
export type AccessDecision =
  /** Let it through; `consumed`: a rule checked its `Authorization`, which the backend must not get. */
  | { readonly outcome: 'allow'; readonly consumed: boolean }
  /** 403 `ip_denied`: a deny list names the client, or an allow list does not. */
  | { readonly outcome: 'ip_denied' }
  /** 401 `unauthorized`, with one `WWW-Authenticate` challenge per scheme the failed rule accepts. */
  | { readonly outcome: 'unauthorized'; readonly challenges: readonly string[] };

const ALLOW: AccessDecision = Object.freeze({ outcome: 'allow', consumed: false });
const ALLOW_CONSUMED: AccessDecision = Object.freeze({ outcome: 'allow', consumed: true });
const IP_DENIED: AccessDecision = Object.freeze({ outcome: 'ip_denied' });

/**
 * The decision for a visitor under every policy that applies to its request. All of them must
 * pass, so a rule can only add a demand, never lift another's: first every deny list, then every
 * allow list, then each rule's credentials (either scheme it lists will do). An address refusal
 * comes before a credentials one, so a denied client learns nothing of the realm.
 */
export function decideAccess(policies: readonly AccessPolicy[], visitor: Visitor, check: CredentialCheck): AccessDecision {
  if (policies.length === 0) return ALLOW;
  for (const policy of policies) if (policy.denyIps?.has(visitor.address)) return IP_DENIED;
  for (const policy of policies) if (policy.allowIps && !policy.allowIps.has(visitor.address)) return IP_DENIED;
  let consumed = false;
  let presented: ReturnType<typeof parseAuthorization> | null = null;
  for (const policy of policies) {
    if (!asksCredentials(policy)) continue;
    presented ??= parseAuthorization(visitor.authorization);
    if (!check.passes(policy, presented)) return { outcome: 'unauthorized', challenges: challengesOf(policy) };
    consumed = true;
  }
  return consumed ? ALLOW_CONSUMED : ALLOW;
}

/** RFC 9110 §11.6.1 challenges: Basic with its charset (RFC 7617 §2.1), Bearer (RFC 6750 §3). */
export function challengesOf(policy: AccessPolicy): string[] {
  const challenges: string[] = [];
  if (policy.basicAuth.length > 0) challenges.push(`Basic realm="${policy.realm}", charset="UTF-8"`);
  if (policy.bearerTokens.length > 0) challenges.push(`Bearer realm="${policy.realm}"`);
  return challenges;
}

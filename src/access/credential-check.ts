import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessPolicy } from './access-policy.js';
import type { PresentedCredentials } from './authorization.js';
import { sha256, verifyPassword, type PasswordHash } from './password-hash.js';

/** Outcomes remembered per stored password: a browser sends the same credentials on every request. */
const REMEMBERED_PER_HASH = 64;

/**
 * Checks presented credentials against one policy. A scrypt verification costs tens of ms by
 * design, and a browser repeats its Basic credentials on every request, so the outcome for
 * each (stored hash, presented password) is remembered, keyed by a SHA-256 of the password,
 * in a small bounded table per hash: a visitor pays once, and a client repeating one wrong
 * password costs nothing more. Distinct wrong guesses each cost one verification.
 *
 * The table's keys are HMACs under a key made for this process, not plain digests: memory read
 * by someone else would otherwise hold a fast, unsalted digest of every password that worked.
 */
export class CredentialCheck {
  private readonly remembered = new WeakMap<PasswordHash, Map<string, boolean>>();
  private readonly memoKey = randomBytes(32);

  passes(policy: AccessPolicy, presented: PresentedCredentials | undefined): boolean {
    if (presented === undefined) return false;
    if (presented.scheme === 'bearer') return this.bearer(policy, presented.token);
    return this.basic(policy, presented.user, presented.password);
  }

  // Every token is compared, matched or not, so the time taken says nothing of which matched.
  private bearer(policy: AccessPolicy, token: string): boolean {
    const digest = sha256(token);
    let found = false;
    for (const stored of policy.bearerTokens) if (timingSafeEqual(stored, digest)) found = true;
    return found;
  }

  private basic(policy: AccessPolicy, user: string, password: string): boolean {
    if (policy.basicAuth.length === 0) return false;
    const digest = sha256(user);
    let entry = undefined as (typeof policy.basicAuth)[number] | undefined;
    for (const candidate of policy.basicAuth) if (timingSafeEqual(candidate.userDigest, digest) && !entry) entry = candidate;
    // An unknown user still costs a verification, so that timing does not tell names apart.
    const verified = this.verify((entry ?? policy.basicAuth[0]!).password, password);
    return entry !== undefined && verified;
  }

  private verify(stored: PasswordHash, password: string): boolean {
    let outcomes = this.remembered.get(stored);
    if (!outcomes) this.remembered.set(stored, (outcomes = new Map()));
    const key = createHmac('sha256', this.memoKey).update(password, 'utf8').digest('base64');
    const known = outcomes.get(key);
    if (known !== undefined) return known;
    const outcome = verifyPassword(stored, password);
    if (outcomes.size >= REMEMBERED_PER_HASH) outcomes.delete(outcomes.keys().next().value!);
    outcomes.set(key, outcome);
    return outcome;
  }
}

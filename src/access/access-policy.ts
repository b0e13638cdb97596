import type { IpList } from './ip-list.js';
import type { PasswordHash } from './password-hash.js';

/** One user of a rule's HTTP Basic list: the name's digest (compared in constant time) and the password's hash. */
export interface BasicUser {
  readonly user: string;
  /** SHA-256 of the user-id, so that comparing names takes the same time whatever they hold. */
  readonly userDigest: Buffer;
  readonly password: PasswordHash;
}

/**
 * What one access rule demands of a visitor, compiled: an operator's rule from the
 * configuration, or the rule an agent asked for with a route. Empty lists demand nothing.
 */
export interface AccessPolicy {
  /** Named in the `WWW-Authenticate` challenge (RFC 9110 §11.5). */
  readonly realm: string;
  readonly basicAuth: readonly BasicUser[];
  /** SHA-256 digests of the bearer tokens accepted. */
  readonly bearerTokens: readonly Buffer[];
  /** When set, only these clients pass (403 `ip_denied` for the rest). */
  readonly allowIps?: IpList;
  /** These clients never pass (403 `ip_denied`), whatever else they present. */
  readonly denyIps?: IpList;
}

/** Whether a policy asks for credentials at all (and so consumes `Authorization`). */
export const asksCredentials = (policy: AccessPolicy): boolean => policy.basicAuth.length > 0 || policy.bearerTokens.length > 0;

/** The realm a rule that names none uses. */
export const DEFAULT_REALM = 'HARP';

/**
 * A realm as it may be written: printable ASCII without `"` or `\`, so that it stands in a
 * quoted-string (RFC 9110 §5.6.4) without escapes, at most 100 characters.
 */
export const isRealm = (realm: string): boolean => /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(realm);

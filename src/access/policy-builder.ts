import { DEFAULT_REALM, type AccessPolicy, type BasicUser } from './access-policy.js';
import { isBasicPassword, isBasicUser, isBearerToken } from './authorization.js';
import { IpList, isIpOrCidr } from './ip-list.js';
import { hashPassword, parsePasswordHash, parseTokenDigest, sha256, type PasswordHash } from './password-hash.js';

/** An access rule's demands as the operator writes them: passwords and tokens already hashed. */
export interface StoredAccess {
  readonly realm?: string;
  /** `password`: a `scrypt$…` hash (`harp hash-password`). */
  readonly basicAuth?: readonly { readonly user: string; readonly password: string }[];
  /** `sha256:<hex>` digests (`harp hash-password --token`). */
  readonly bearerTokens?: readonly string[];
  readonly allowIps?: readonly string[];
  readonly denyIps?: readonly string[];
}

/** An access rule's demands as an agent sends them over its tunnel: secrets in plain text. */
export interface PlainAccess {
  readonly basicAuth?: readonly { readonly user: string; readonly password: string }[];
  readonly bearerTokens?: readonly string[];
  readonly allowIps?: readonly string[];
  readonly denyIps?: readonly string[];
}

/** The policy of an operator's rule; its fields were validated with the configuration. */
export function storedPolicy(access: StoredAccess): AccessPolicy {
  const basicAuth = (access.basicAuth ?? []).map(({ user, password }) => basicUser(user, parsePasswordHash(password)!));
  return policy(access.realm, basicAuth, (access.bearerTokens ?? []).map((t) => parseTokenDigest(t)!), access);
}

/**
 * The policy an agent asked for, or why it cannot be one. Passwords are hashed here, on
 * receipt, with a fresh salt each, and tokens digested: the proxy never keeps them in plain
 * text. Costs one scrypt computation per password.
 */
export function plainPolicy(access: PlainAccess, realm = DEFAULT_REALM): AccessPolicy | { readonly invalid: string } {
  for (const { user, password } of access.basicAuth ?? []) {
    if (!isBasicUser(user)) return { invalid: 'a basicAuth user must be non-empty, without ":" or control characters' };
    if (!isBasicPassword(password)) return { invalid: `the basicAuth password of "${user}" has control characters` };
  }
  for (const token of access.bearerTokens ?? []) {
    if (!isBearerToken(token)) return { invalid: 'a bearer token may hold only letters, digits and -._~+/ (then =)' };
  }
  for (const entry of [...(access.allowIps ?? []), ...(access.denyIps ?? [])]) {
    if (!isIpOrCidr(entry)) return { invalid: `"${entry}" is not an IP address or CIDR block` };
  }
  const basicAuth = (access.basicAuth ?? []).map(({ user, password }) => basicUser(user, parsePasswordHash(hashPassword(password))!));
  return policy(realm, basicAuth, (access.bearerTokens ?? []).map(sha256), access);
}

function basicUser(user: string, password: PasswordHash): BasicUser {
  return { user, userDigest: sha256(user), password };
}

function policy(realm: string | undefined, basicAuth: BasicUser[], bearerTokens: Buffer[], ips: PlainAccess): AccessPolicy {
  const list = (entries: readonly string[] | undefined) => (entries && entries.length > 0 ? new IpList(entries) : undefined);
  return Object.freeze({ realm: realm ?? DEFAULT_REALM, basicAuth, bearerTokens, allowIps: list(ips.allowIps), denyIps: list(ips.denyIps) });
}

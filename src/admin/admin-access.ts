import { createHash, timingSafeEqual } from 'node:crypto';
import { isLoopbackAddress } from './loopback.js';

/** The outcome of the admin access rule for one request. */
export type AdminAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly status: 401 | 403; readonly message: string };

/** What the rule looks at: the configured token, the `Authorization` header, the socket. */
export interface AdminAccessInput {
  /** `HarpConfig.adminToken`; absent or empty means "loopback only". */
  readonly adminToken: string | undefined;
  readonly authorization: string | string[] | undefined;
  /** The TCP peer (`socket.remoteAddress`), never a forwarded header. */
  readonly remoteAddress: string | undefined;
}

const ALLOWED: AdminAccess = { allowed: true };

/**
 * The admin access rule (docs/architecture.md, property 5, "secure by default"): with a token
 * configured, the request must carry `Authorization: Bearer <token>` (401 otherwise); without
 * one, only loopback clients are served (403 to others). It is never open to the network
 * without a token.
 *
 * The loopback test uses the socket's address, not `X-Forwarded-For`: a header is the client's
 * word, and a proxy in front of HARP on the same host would otherwise make every client local.
 */
export function decideAdminAccess(input: AdminAccessInput): AdminAccess {
  const token = input.adminToken;
  if (token === undefined || token === '') {
    return isLoopbackAddress(input.remoteAddress)
      ? ALLOWED
      : {
          allowed: false,
          status: 403,
          message: 'the admin API answers only on loopback unless an admin token is configured',
        };
  }
  const presented = bearerToken(input.authorization);
  if (presented === undefined) {
    return { allowed: false, status: 401, message: 'a bearer token is required' };
  }
  return tokensEqual(presented, token)
    ? ALLOWED
    : { allowed: false, status: 401, message: 'the bearer token is not valid' };
}

/** The credentials of an `Authorization: Bearer …` header (RFC 6750 §2.1), if there is one. */
function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1];
}

/**
 * Constant-time comparison: both sides are hashed first so that the comparison neither leaks
 * the token's length nor fails on different lengths (`timingSafeEqual` needs equal sizes).
 */
function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The token that gives an agent its generated subdomain back (docs/protocol.md §7.6):
 * `v1.<name>.<expiry, ms since the epoch, base 36>.<HMAC-SHA256, base64url>`. The MAC covers
 * the name, the id of the key rule it was issued to and the expiry, so a token is worth nothing
 * to another key, after its expiry, or under another secret. The name is in clear: it is in the
 * public URL anyway.
 */

const VERSION = 'v1';
/** Keeps these MACs apart from anything else the same secret signs (the cluster's hop). */
const CONTEXT = 'harp reconnect token v1';

function mac(secret: string, name: string, keyId: string, expiresAt: number): string {
  return createHmac('sha256', secret).update(`${CONTEXT}\n${name}\n${keyId}\n${expiresAt}`).digest('base64url');
}

/** A token for `name`, issued to key rule `keyId`, valid until `expiresAt` (ms since the epoch). */
export function signReconnectToken(secret: string, name: string, keyId: string, expiresAt: number): string {
  return `${VERSION}.${name}.${expiresAt.toString(36)}.${mac(secret, name, keyId, expiresAt)}`;
}

/** What a presented token proves. */
export type TokenCheck = { readonly ok: true; readonly name: string; readonly expiresAt: number } | { readonly ok: false; readonly reason: string };

/** Checks a token presented by key rule `keyId` at `now`. Compares MACs in constant time. */
export function verifyReconnectToken(secret: string, token: string, keyId: string, now: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) return { ok: false, reason: 'not a reconnect token' };
  const [, name, expiry, presented] = parts as [string, string, string, string];
  const expiresAt = parseInt(expiry, 36);
  if (!/^[0-9a-z]{1,11}$/.test(expiry) || !Number.isSafeInteger(expiresAt)) return { ok: false, reason: 'not a reconnect token' };
  const expected = Buffer.from(mac(secret, name, keyId, expiresAt));
  const given = Buffer.from(presented);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the token was not issued to this key by this proxy' };
  }
  if (now >= expiresAt) return { ok: false, reason: 'the token has expired' };
  return { ok: true, name, expiresAt };
}

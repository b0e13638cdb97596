/** What a request's `Authorization` field presents, when it is a scheme HARP checks. */
export type PresentedCredentials =
  | { readonly scheme: 'basic'; readonly user: string; readonly password: string }
  | { readonly scheme: 'bearer'; readonly token: string };

// RFC 9110 §11.6.2: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; the scheme is
// case-insensitive (§11.1). token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +([A-Za-z0-9\-._~+/]+=*) *$/;
// RFC 7617 §2: the token68 of Basic is base64 (RFC 4648 §4) of user-id ":" password.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// eslint-disable-next-line no-control-regex -- RFC 7617 §2: no control characters in either part
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * Reads one `Authorization` value: `Basic` (RFC 7617, UTF-8 as its `charset="UTF-8"` asks) or
 * `Bearer` (RFC 6750 §2.1). Anything else, a malformed value, or several values (a request
 * may carry one `Authorization` only) is undefined: credentials that are not there.
 */
export function parseAuthorization(value: string | string[] | undefined): PresentedCredentials | undefined {
  if (typeof value !== 'string') return undefined;
  const match = CREDENTIALS.exec(value);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const token = match[2]!;
  if (scheme === 'bearer') return { scheme, token };
  if (scheme !== 'basic' || !BASE64.test(token)) return undefined;
  const decoded = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.from(token, 'base64'));
  // The user-id cannot contain a colon (RFC 7617 §2), so the first one ends it.
  const colon = decoded.indexOf(':');
  if (colon === -1 || CONTROL.test(decoded)) return undefined;
  return { scheme, user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Whether a Basic user-id is one RFC 7617 §2 allows: no colon, no control characters. */
export function isBasicUser(user: string): boolean {
  return user.length > 0 && !user.includes(':') && !CONTROL.test(user);
}

/** Whether a Basic password is one RFC 7617 §2 allows: no control characters. */
export function isBasicPassword(password: string): boolean {
  return !CONTROL.test(password);
}

/** Whether `token` can travel in `Authorization: Bearer` (RFC 6750 §2.1, b64token). */
export function isBearerToken(token: string): boolean {
  return /^[A-Za-z0-9\-._~+/]+=*$/.test(token);
}

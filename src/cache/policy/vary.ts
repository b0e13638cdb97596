import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { normalizedFieldValue } from './vary-values.js';

/**
 * `Vary` (RFC 9110 §12.5.5, RFC 9111 §4.1): which request fields a stored response was selected
 * by. `*` means the response is never reusable; otherwise the lowercased field names, without
 * duplicates, sorted so that `Vary: A, B` and `Vary: b, a` select the same way.
 */
export type VaryNames = { readonly wildcard: true } | { readonly wildcard: false; readonly names: readonly string[] };

const NOT_VARYING: VaryNames = Object.freeze({ wildcard: false, names: Object.freeze([]) as readonly string[] });

/** Parses every `Vary` field value of a response (undefined or `[]` when there is none). */
export function parseVary(values: string | readonly string[] | undefined): VaryNames {
  // Most responses have no Vary: one shared answer.
  if (values === undefined || values.length === 0) return NOT_VARYING;
  const names = new Set<string>();
  for (const value of typeof values === 'string' ? [values] : (values ?? [])) {
    for (const part of value.split(',')) {
      const name = part.trim().toLowerCase();
      if (name === '*') return { wildcard: true };
      if (name !== '') names.add(name);
    }
  }
  return { wildcard: false, names: [...names].sort() };
}

/**
 * The request's values of the named fields, as an unambiguous string: a value is trimmed
 * (leading and trailing whitespace is never part of a field value, RFC 9110 §5.5), repeated
 * fields are joined with `, ` (§5.3), `Accept`, `Accept-Encoding` and `Accept-Language` are
 * normalised so that equivalent values select the same response (`vary-values.ts`, RFC 9111
 * §4.1), and an absent field is distinguished from an empty one (`null` versus `""`), because
 * a backend may answer them differently.
 *
 * Pass the request fields as they are forwarded to the backend (after the proxy replaced the
 * forwarding fields), since those are what the backend chose the response by.
 */
export function varySelector(names: readonly string[], headers: IncomingHttpHeaders): string {
  return JSON.stringify(names.map((name) => [name, normalizedFieldValue(name, headers[name])]));
}

/**
 * The secondary key: a SHA-256 digest of {@link varySelector}. Hashed because selecting fields
 * such as `Cookie` or `Authorization` hold secrets that must not sit in Redis key names, and
 * because it keeps keys short.
 */
export function secondaryKey(names: readonly string[], headers: IncomingHttpHeaders): string {
  return createHash('sha256').update(varySelector(names, headers)).digest('base64url');
}

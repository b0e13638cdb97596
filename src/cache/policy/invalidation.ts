import { keyOrigin, resolvedKey } from './cache-key.js';
import { fieldValues } from '../../http/raw-fields.js';

/** Safe methods (RFC 9110 §9.2.1); every other method, known or not, may change state. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * The primary keys an exchange invalidates (RFC 9111 §4.4). "A cache MUST invalidate the target
 * URI when it receives a non-error status code in response to an unsafe request method
 * (including methods whose safety is unknown)"; the URIs in `Location` and `Content-Location`
 * are invalidated too, resolved against the target URI, but only when they have the same origin
 * (scheme, host and port): "a cache MUST NOT trigger an invalidation under these conditions if
 * the origin of the URI to be invalidated differs from that of the target URI", which stops a
 * backend from wiping another site's entries.
 *
 * Non-error means 2xx and 3xx here: a 1xx never ends an exchange. Deleting a primary key also
 * retires its variants (see `variants.ts`).
 *
 * @param targetKey the request's {@link cacheKey}
 * @param responseFields the response's fields in Node's raw form
 * @returns keys to delete, target first, without duplicates
 */
export function invalidatedKeys(
  method: string,
  status: number,
  targetKey: string,
  responseFields: readonly string[],
): string[] {
  if (SAFE_METHODS.has(method.toUpperCase()) || status < 200 || status >= 400) return [];
  const keys = new Set([targetKey]);
  const origin = keyOrigin(targetKey);
  for (const name of ['location', 'content-location']) {
    for (const value of fieldValues(responseFields, name)) {
      const key = resolvedKey(value.trim(), targetKey);
      if (key !== undefined && keyOrigin(key) === origin) keys.add(key);
    }
  }
  return [...keys];
}

/**
 * Request fields that frameworks and servers honour to change a response, but that are not part
 * of the cache key (Kettle, "Practical Web Cache Poisoning", 2018). Left in a request, they let
 * one client make the backend produce a response, for example with links to another host or the
 * body of another path, that the cache then stores under an innocent key and serves to everyone.
 * The proxy drops them at the edge rather than adding them to the key: none of them has a
 * legitimate use coming from the public side.
 *
 * Not listed here because `src/http/forwarding.ts` (`FORWARDING_FIELDS`) already drops them from
 * every request and sets its own values: `Forwarded`, `X-Forwarded-For`, `-Proto`, `-Host`,
 * `-Port`, `-Prefix` and `X-Real-IP`.
 */

/** Fields that rewrite the target URL: the path the backend serves is not the one in the key. */
const URL_OVERRIDES = ['x-original-url', 'x-rewrite-url', 'x-original-uri', 'x-forwarded-uri', 'x-forwarded-path'];

/** Fields that change the host or scheme a backend believes it was reached by (absolute links). */
const ORIGIN_OVERRIDES = [
  'x-host',
  'x-forwarded-server',
  'x-original-host',
  'x-forwarded-scheme',
  'x-forwarded-protocol',
  'x-forwarded-ssl',
  'x-url-scheme',
  'front-end-https',
];

/**
 * Fields that change the method a framework dispatches on. They have a legitimate use on POST
 * (clients that cannot send PATCH or DELETE), so they are dropped only from requests whose
 * response may be stored: a `GET` with `X-HTTP-Method-Override: DELETE` must not fill the
 * cache with the answer to a DELETE.
 */
const METHOD_OVERRIDES = ['x-http-method-override', 'x-http-method', 'x-method-override'];

/** Dropped from every request. */
export const UNKEYED_FIELDS_ALWAYS: ReadonlySet<string> = new Set([...URL_OVERRIDES, ...ORIGIN_OVERRIDES]);

/** Dropped from every GET and HEAD request, along with {@link UNKEYED_FIELDS_ALWAYS}. */
export const UNKEYED_FIELDS_CACHEABLE: ReadonlySet<string> = new Set([...UNKEYED_FIELDS_ALWAYS, ...METHOD_OVERRIDES]);

/**
 * The lowercased request fields the proxy must drop from a request with this method before
 * forwarding it (for `endToEnd(raw, alsoDrop)` in `src/http/hop-by-hop.ts`).
 */
export function unkeyedRequestFields(method: string): ReadonlySet<string> {
  return method === 'GET' || method === 'HEAD' ? UNKEYED_FIELDS_CACHEABLE : UNKEYED_FIELDS_ALWAYS;
}

import { combinedValue } from '../../http/raw-fields.js';
import { parseSfDictionary, type SfValue } from './sf-dictionary.js';

/**
 * HARP's target list (RFC 9213 §2.1), most applicable first. HARP is a shared cache operated on
 * behalf of origin servers, i.e. a CDN cache in the sense of RFC 9213 §3.
 */
export const TARGET_LIST: readonly string[] = ['cdn-cache-control'];

/** The directives that govern HARP's storage and freshness decisions for one response. */
export interface FreshnessControl {
  /** Lowercased name of the field the directives came from: a targeted field or `cache-control`. */
  readonly source: string;
  /** The directives as a Cache-Control value, or undefined when there are none. */
  readonly cacheControl: string | undefined;
  /**
   * False when a targeted field is used: RFC 9213 §2.1 says the cache "MUST ignore the
   * Cache-Control and Expires header fields in that response" (Pragma, their legacy cousin, goes
   * with them).
   */
  readonly legacyFieldsApply: boolean;
}

/**
 * Picks the directives HARP obeys (RFC 9213 §2.1): the first field of the target list with a
 * valid, non-empty value replaces `Cache-Control` and `Expires`; a field that is empty or does
 * not parse as a Structured Field Dictionary is ignored, as if absent.
 *
 * Only HARP's decisions change. Both fields stay in the response sent downstream: "CDN caches
 * that use CDN-Cache-Control will typically forward this header so that downstream CDN caches
 * can use it as well" (§3), and `Cache-Control` is what browsers and other caches obey.
 *
 * @param raw response fields in Node's raw form
 */
export function freshnessControl(raw: readonly string[]): FreshnessControl {
  for (const name of TARGET_LIST) {
    const value = combinedValue(raw, name);
    if (value === undefined) continue;
    const members = parseSfDictionary(value);
    if (members === undefined || members.size === 0) continue;
    return { source: name, cacheControl: cacheControlText(members), legacyFieldsApply: false };
  }
  return { source: 'cache-control', cacheControl: combinedValue(raw, 'cache-control'), legacyFieldsApply: true };
}

// Directives whose value is delta-seconds (RFC 9111 §1.2.2, RFC 5861).
const DELTA_SECONDS = new Set(['max-age', 's-maxage', 'stale-while-revalidate', 'stale-if-error']);
// Directives that take no argument (RFC 9111 §5.2.2, RFC 8246).
const NO_ARGUMENT = new Set([
  'no-store',
  'must-revalidate',
  'proxy-revalidate',
  'public',
  'immutable',
  'no-transform',
  'must-understand',
]);
// Directives that are either bare or carry a quoted list of field names (§5.2.2.4, §5.2.2.7).
const BARE_OR_FIELD_NAMES = new Set(['no-cache', 'private']);

/**
 * Renders dictionary members as Cache-Control text. Values that violate a directive's inferred
 * type are dropped (RFC 9213 §2.1: implementations "SHOULD NOT consume" them), as are `?0`
 * booleans (the directive is absent) and byte sequences or inner lists (no directive has one).
 */
function cacheControlText(members: ReadonlyMap<string, SfValue>): string | undefined {
  const parts: string[] = [];
  for (const [name, value] of members) {
    const part = directiveText(name, value);
    if (part !== undefined) parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join(', ');
}

function directiveText(name: string, value: SfValue): string | undefined {
  if (value.type === 'boolean') return value.value ? name : undefined;
  if (NO_ARGUMENT.has(name)) return undefined;
  if (DELTA_SECONDS.has(name)) {
    return value.type === 'integer' && value.value >= 0 ? `${name}=${value.value}` : undefined;
  }
  if (BARE_OR_FIELD_NAMES.has(name)) return value.type === 'string' ? `${name}=${quoted(value.value)}` : undefined;
  switch (value.type) {
    case 'integer':
    case 'decimal':
      return `${name}=${value.value}`;
    case 'token':
      return `${name}=${value.value}`;
    case 'string':
      return `${name}=${quoted(value.value)}`;
    default:
      return undefined;
  }
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

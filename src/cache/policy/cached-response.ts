import { endToEnd } from '../../http/hop-by-hop.js';
import type { CachedResponse, PolicyObject } from './cache-entry.js';
import { readPolicy } from './policy-input.js';
import { fieldValues, withoutFields } from '../../http/raw-fields.js';
import { formatHttpDate, singleHttpDate } from '../../http/http-date.js';

/**
 * Fields never kept in an entry, besides hop-by-hop ones (RFC 9110 §7.6.1):
 * - `Set-Cookie` (and the obsolete `Set-Cookie2`): a shared cache must not hand one client's
 *   cookie to another; responses carrying one are not stored at all (`storability.ts`), this is
 *   the second line of defence;
 * - `Age`: recomputed on every hit (RFC 9111 §5.1); the upstream value lives on in the policy;
 * - `X-Request-ID`: names the request that filled the cache, not the one being answered; the
 *   proxy adds the current one.
 */
export const UNSTORED_FIELDS: ReadonlySet<string> = new Set(['set-cookie', 'set-cookie2', 'age', 'x-request-id']);

/**
 * Fields a 304 does not update in a stored response (RFC 9111 §3.2): they describe the 304's own
 * (absent) body, not the stored one.
 */
const NOT_UPDATED_BY_304: ReadonlySet<string> = new Set([
  ...UNSTORED_FIELDS,
  'content-length',
  'content-encoding',
  'content-range',
]);

/** A response's fields as an entry keeps them: end-to-end, without {@link UNSTORED_FIELDS}. */
export function storedFields(raw: readonly string[]): string[] {
  return withoutFields(endToEnd(raw), UNSTORED_FIELDS);
}

/** The response head the proxy received, in the form the cache stores. */
export interface ResponseHead {
  readonly status: number;
  /** Reason phrase, '' when none. */
  readonly reason?: string;
  /** Fields in Node's raw form. */
  readonly headers: readonly string[];
}

/**
 * A new entry for a response whose body arrived complete. Only call it with a policy from a
 * positive storage verdict, and only once the body matched its framing: a truncated body must
 * never be stored.
 */
export function createCachedResponse(
  head: ResponseHead,
  body: Buffer,
  policy: PolicyObject,
  now = Date.now(),
): CachedResponse {
  const headers = dated(storedFields(head.headers), policy.t ?? now);
  return { status: head.status, reason: head.reason ?? '', headers, policy, body, storedAt: now };
}

/**
 * RFC 9110 §6.6.1: "A recipient with a clock that receives a response message without a Date
 * header field MUST record the time it was received and append a corresponding Date header
 * field to the message's header section if it is cached", and one with an invalid Date "MAY
 * replace that value with the time that response was received". Every entry then carries one
 * valid `Date`, the one its freshness was computed from, rather than each hit getting the time
 * of that hit.
 */
function dated(fields: string[], receivedAt: number): string[] {
  const dates = fieldValues(fields, 'date');
  if (singleHttpDate(dates) !== undefined) return fields;
  const date = formatHttpDate(receivedAt);
  if (dates.length === 0) return [...fields, 'Date', date];
  const out: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i]!.toLowerCase() !== 'date') out.push(fields[i]!, fields[i + 1]!);
    else if (!out.some((name, j) => j % 2 === 0 && name.toLowerCase() === 'date')) out.push(fields[i]!, date);
  }
  return out;
}

/** The entry's current age in whole seconds (RFC 9111 §4.2.3), including upstream `Age`. */
export function currentAge(entry: CachedResponse, now = Date.now()): number {
  return Math.max(0, Math.floor(readPolicy(entry.policy, now).age()));
}

/**
 * The fields to send with a stored response: as stored, plus `Age` (RFC 9111 §5.1), then
 * `extra` (one list built once per hit, not copied again).
 */
export function hitFields(entry: CachedResponse, now = Date.now(), extra: readonly string[] = []): string[] {
  const stored = entry.headers;
  const out = new Array<string>(stored.length + 2 + extra.length);
  let i = 0;
  for (; i < stored.length; i++) out[i] = stored[i]!;
  out[i++] = 'Age';
  out[i++] = String(currentAge(entry, now));
  for (const field of extra) out[i++] = field;
  return out;
}

/**
 * The stored fields updated by a 304 (RFC 9111 §3.2, §4.3.4): each field in the 304 replaces all
 * stored fields of that name, in the place of the first of them; fields the entry did not have
 * are appended. Hop-by-hop fields and {@link NOT_UPDATED_BY_304} are ignored.
 */
export function updatedFields(stored: readonly string[], notModified: readonly string[]): string[] {
  const fresh = new Map<string, string[]>();
  const incoming = withoutFields(endToEnd(notModified), NOT_UPDATED_BY_304);
  for (let i = 0; i < incoming.length; i += 2) {
    const lower = incoming[i]!.toLowerCase();
    const list = fresh.get(lower) ?? [];
    list.push(incoming[i]!, incoming[i + 1]!);
    fresh.set(lower, list);
  }
  const out: string[] = [];
  const placed = new Set<string>();
  for (let i = 0; i < stored.length; i += 2) {
    const lower = stored[i]!.toLowerCase();
    const replacement = fresh.get(lower);
    if (replacement === undefined) out.push(stored[i]!, stored[i + 1]!);
    else if (!placed.has(lower)) {
      out.push(...replacement);
      placed.add(lower);
    }
  }
  for (const [lower, list] of fresh) if (!placed.has(lower)) out.push(...list);
  return out;
}

import type { IncomingHttpHeaders } from 'node:http';
import CachePolicy from 'http-cache-semantics';
import type { PolicyObject } from './cache-entry.js';
import { combinedValue } from '../../http/raw-fields.js';
import { freshnessFields, libraryStatus } from './freshness-fields.js';
import { freshnessControl } from './targeted-cache-control.js';

/**
 * Builds what http-cache-semantics is given, so that it decides as RFC 9111 says for a shared
 * cache and stores nothing it should not:
 *
 * - The request carries only `Cache-Control` and `Pragma`. The URL, `Host` and `Vary` matching
 *   are the cache key's business (`cache-key.ts`, `vary.ts`), and `Authorization` is judged by
 *   `storability.ts` (RFC 9111 §3.5); leaving them out also keeps `Cookie` and `Authorization`
 *   values out of stored policies.
 * - The response carries only the fields freshness depends on, with `CDN-Cache-Control` in place
 *   of `Cache-Control` and `Expires` when present (RFC 9213 §2.1), and never `Vary` or
 *   `Set-Cookie`, which the cache handles itself.
 * - `must-revalidate` and `proxy-revalidate` are renamed {@link NO_STALE}: the library treats a
 *   response with `must-revalidate` as never reusable, even while fresh, and one with
 *   `proxy-revalidate` as never fresh, where RFC 9111 §5.2.2.2 and §5.2.2.8 only forbid using it
 *   once stale without revalidation. `cache-decision.ts` enforces that.
 */

/** Options every policy is built with: HARP is a shared cache. */
export const POLICY_OPTIONS: CachePolicy.Options = { shared: true };

/** Marker directive standing for `must-revalidate` / `proxy-revalidate` in a stored policy. */
export const NO_STALE = 'harp-no-stale';

/** Statuses that are heuristically cacheable (RFC 9110 §15.1). */
export const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

/** Per-route freshness settings. */
export interface FreshnessOptions {
  /**
   * Lifetime given to responses that carry no explicit freshness (no `max-age`, `s-maxage` or
   * `Expires`), are heuristically cacheable (RFC 9110 §15.1) and do not forbid reuse
   * (`no-store`, `no-cache`, `private`), in ms; whole seconds count. This stands in for the
   * library's heuristic (10 % of the time since `Last-Modified`, RFC 9111 §4.2.2), which also
   * applies only to such responses. Downstream caches never see it.
   */
  readonly defaultTtlMs?: number;
}

/** The request as the library sees it. HEAD is looked up and judged as the GET it mirrors. */
export function policyRequest(method: string, headers: IncomingHttpHeaders): CachePolicy.Request {
  const fields: CachePolicy.Headers = {};
  if (headers['cache-control'] !== undefined) fields['cache-control'] = headers['cache-control'];
  if (headers.pragma !== undefined) fields.pragma = headers.pragma;
  return { method: method === 'HEAD' ? 'GET' : method, headers: fields };
}

/** Parsed response directives (names lowercased, values unquoted) plus where they came from. */
export interface ResponseDirectives {
  readonly directives: ReadonlyMap<string, string | true>;
  /** False when a targeted field replaced `Cache-Control`, `Expires` and `Pragma`. */
  readonly legacyFieldsApply: boolean;
}

/** The directives HARP obeys for a response (RFC 9213 §2.1, then RFC 9111 §5.2). */
export function responseDirectives(raw: readonly string[]): ResponseDirectives {
  const control = freshnessControl(raw);
  return { directives: parseDirectives(control.cacheControl), legacyFieldsApply: control.legacyFieldsApply };
}

/**
 * The response as the library sees it: dates, `Age` and the status judged first
 * (`freshness-fields.ts`). `now` reads two-digit RFC 850 years (RFC 9110 §5.6.7).
 */
export function policyResponse(
  status: number,
  raw: readonly string[],
  options: FreshnessOptions = {},
  now = Date.now(),
): CachePolicy.Response {
  const { directives, legacyFieldsApply } = responseDirectives(raw);
  const headers = freshnessFields(raw, legacyFieldsApply, now);
  const pragma = legacyFieldsApply ? combinedValue(raw, 'pragma') : undefined;
  if (pragma !== undefined) headers.pragma = pragma;

  const library = new Map(directives);
  const mustRevalidate = library.delete('must-revalidate');
  const proxyRevalidate = library.delete('proxy-revalidate');
  if (mustRevalidate || proxyRevalidate) library.set(NO_STALE, true);
  const explicit = library.has('max-age') || library.has('s-maxage') || headers.expires !== undefined;
  const defaultSeconds = Math.floor((options.defaultTtlMs ?? 0) / 1000);
  if (defaultSeconds > 0 && HEURISTICALLY_CACHEABLE.has(status) && !explicit && takesDefaultTtl(directives)) {
    library.set('max-age', String(defaultSeconds));
  }
  const text = formatDirectives(library);
  if (text !== undefined) headers['cache-control'] = text;
  return { status: libraryStatus(status, explicit), headers };
}

/** Nothing that forbids storing or reusing without validation. */
function takesDefaultTtl(directives: ReadonlyMap<string, string | true>): boolean {
  return !['no-store', 'no-cache', 'private'].some((name) => directives.has(name));
}

/** A new policy whose response time is `now` (the library reads the clock itself otherwise). */
export function newPolicy(request: CachePolicy.Request, response: CachePolicy.Response, now: number): CachePolicy {
  const object = new CachePolicy(request, response, POLICY_OPTIONS).toObject();
  return revivePolicy({ ...object, t: now }, now);
}

/** A stored policy, evaluated as of `now`. */
export function revivePolicy(object: PolicyObject, now: number): CachePolicy {
  const policy = CachePolicy.fromObject(object);
  // The library documents `now()` as the hook to patch for a different clock.
  (policy as unknown as { now: () => number }).now = () => now;
  return policy;
}

/** A revived policy kept for its stored object, with the clock it reads. */
interface KeptPolicy {
  readonly policy: CachePolicy;
  now: number;
}

const unreadHeaders = (): CachePolicy.Headers => ({});

// Stored policy objects are immutable and, in the memory store, shared by every hit: reviving
// one per request cost more than the hit's own work. Keyed weakly, so evicted entries go.
const kept = new WeakMap<PolicyObject, KeptPolicy>();

/**
 * {@link revivePolicy} for reading only (freshness, age, `evaluateRequest`): one instance per
 * stored object, reused by later calls, each of which sets its clock to its own `now`. Use it
 * synchronously, and never hand it to code that keeps or changes it.
 *
 * Its `responseHeaders()` returns nothing: `evaluateRequest` builds them for every hit (a copy
 * of the stored fields with `Age` and warnings), and HARP never reads them, since it replays
 * the entry's own fields (`hitFields`).
 */
export function readPolicy(object: PolicyObject, now: number): CachePolicy {
  let entry = kept.get(object);
  if (entry === undefined) {
    const policy = CachePolicy.fromObject(object);
    const made: KeptPolicy = { policy, now };
    const hooks = policy as unknown as { now: () => number; responseHeaders: () => CachePolicy.Headers };
    hooks.now = () => made.now;
    hooks.responseHeaders = unreadHeaders;
    kept.set(object, made);
    entry = made;
  }
  entry.now = now;
  return entry.policy;
}

const NO_DIRECTIVES: ReadonlyMap<string, string | true> = new Map();

/**
 * Cache-Control directives (RFC 9111 §5.2): names lowercased, quoted values unquoted, a repeated
 * directive keeping its first value. Commas inside quoted strings do not split.
 */
export function parseDirectives(value: string | undefined): ReadonlyMap<string, string | true> {
  // Most requests and many responses have no Cache-Control: one shared empty answer.
  if (value === undefined) return NO_DIRECTIVES;
  const out = new Map<string, string | true>();
  for (const part of value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const eq = part.indexOf('=');
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (name === '' || out.has(name)) continue;
    const raw = eq === -1 ? undefined : part.slice(eq + 1).trim();
    const unquoted = raw?.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    out.set(name, unquoted ?? true);
  }
  return out;
}

function formatDirectives(directives: ReadonlyMap<string, string | true>): string | undefined {
  if (directives.size === 0) return undefined;
  const format = ([name, value]: [string, string | true]): string =>
    value === true ? name : /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value) ? `${name}=${value}` : `${name}="${value}"`;
  return [...directives].map(format).join(', ');
}

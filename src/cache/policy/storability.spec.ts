import type { IncomingHttpHeaders } from 'node:http';
import { isStorable, storageVerdict, type CacheRequest, type StorageOptions } from './storability.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const OPTIONS: StorageOptions = { maxObjectBytes: 100, now: T0 };

function verdict(
  fields: string[],
  { status = 200, method = 'GET', headers = {}, size = 10, options = {} }: {
    status?: number;
    method?: string;
    headers?: IncomingHttpHeaders;
    size?: number | undefined;
    options?: Partial<StorageOptions>;
  } = {},
): string {
  const request: CacheRequest = { method, headers };
  const result = storageVerdict(request, { status, headers: ['Date', new Date(T0).toUTCString(), ...fields] }, size, {
    ...OPTIONS,
    ...options,
  });
  return result.store ? `store ${result.ttlMs}ms${result.vary.length ? ` vary=${result.vary.join(',')}` : ''}` : result.reason;
}

describe('storageVerdict (RFC 9111 §3)', () => {
  it.each<[string, string[], Parameters<typeof verdict>[1], string]>([
    ['§3 a 200 with max-age', ['Cache-Control', 'max-age=60'], {}, 'store 60000ms'],
    ['§3 a validator adds the revalidation window', ['Cache-Control', 'max-age=60', 'ETag', '"v"'], {}, 'store 360000ms'],
    ['§3 the window is configurable', ['Cache-Control', 'max-age=60', 'ETag', '"v"'], { options: { revalidationWindowMs: 1000 } }, 'store 61000ms'],
    ['RFC 5861 the stale windows count', ['Cache-Control', 'max-age=60, stale-while-revalidate=30, stale-if-error=300'], {}, 'store 360000ms'],
    ['§4.2.2 heuristic freshness from Last-Modified', ['Last-Modified', new Date(T0 - 1000_000).toUTCString()], {}, 'store 400000ms'],
    ['§4.2.1 s-maxage counts for a shared cache', ['Cache-Control', 's-maxage=30, max-age=600'], {}, 'store 30000ms'],
    ['§3 a 404 with max-age', ['Cache-Control', 'max-age=60'], { status: 404 }, 'store 60000ms'],
    ['§3 a 302 with explicit freshness', ['Cache-Control', 'max-age=60', 'Location', '/x'], { status: 302 }, 'store 60000ms'],
    ['§4.1 Vary names are returned', ['Cache-Control', 'max-age=60', 'Vary', 'Accept-Encoding, accept'], {}, 'store 60000ms vary=accept,accept-encoding'],
    ['a body of unknown size is judged later', ['Cache-Control', 'max-age=60'], { size: undefined }, 'store 60000ms'],
    ['a body of exactly the limit', ['Cache-Control', 'max-age=60'], { size: 100 }, 'store 60000ms'],
    ['the route opted out', ['Cache-Control', 'max-age=60'], { options: { enabled: false } }, 'disabled'],
    ['HEAD responses have no body to store', ['Cache-Control', 'max-age=60'], { method: 'HEAD' }, 'method'],
    ['§3 POST responses without Content-Location are not stored', ['Cache-Control', 'max-age=60'], { method: 'POST' }, 'method'],
    ['responses to Range requests are not stored', ['Cache-Control', 'max-age=60'], { headers: { range: 'bytes=0-1' } }, 'range'],
    ['a body over the object limit', ['Cache-Control', 'max-age=60'], { size: 101 }, 'too-large'],
    ['§7.3 Set-Cookie is never stored', ['Cache-Control', 'public, max-age=60', 'Set-Cookie', 'sid=1'], {}, 'set-cookie'],
    ['§4.1 Vary: * never matches', ['Cache-Control', 'max-age=60', 'Vary', 'Accept, *'], {}, 'vary-star'],
    ['Vary on a field the proxy sets per client', ['Cache-Control', 'max-age=60', 'Vary', 'Accept, X-Forwarded-For'], {}, 'vary-per-client'],
    ['Vary on the request id', ['Cache-Control', 'max-age=60', 'Vary', 'x-request-id'], {}, 'vary-per-client'],
    ['Vary on X-Forwarded-Proto (derived from the keyed scheme)', ['Cache-Control', 'max-age=60', 'Vary', 'X-Forwarded-Proto'], {}, 'store 60000ms vary=x-forwarded-proto'],
    ['§5.2.2.5 response no-store', ['Cache-Control', 'max-age=60, no-store'], {}, 'no-store'],
    ['§5.2.1.5 request no-store', ['Cache-Control', 'max-age=60'], { headers: { 'cache-control': 'no-store' } }, 'no-store'],
    ['§5.2.2.7 private', ['Cache-Control', 'private, max-age=60'], {}, 'private'],
    ['§5.2.2.7 qualified private too', ['Cache-Control', 'private="x-user", max-age=60'], {}, 'private'],
    ['§3.5 Authorization without permission', ['Cache-Control', 'max-age=60'], { headers: { authorization: 'Bearer t' } }, 'authorization'],
    ['§3.5 Authorization with public', ['Cache-Control', 'public, max-age=60'], { headers: { authorization: 'Bearer t' } }, 'store 60000ms'],
    ['§3.5 Authorization with s-maxage', ['Cache-Control', 's-maxage=60'], { headers: { authorization: 'Bearer t' } }, 'store 60000ms'],
    [
      '§3.5 Authorization with must-revalidate',
      ['Cache-Control', 'max-age=60, must-revalidate'],
      { headers: { authorization: 'Bearer t' } },
      'store 60000ms',
    ],
    ['§3 a 302 without explicit freshness', ['Location', '/x'], { status: 302 }, 'not-cacheable'],
    ['§3 a 500 without explicit freshness is not stored', ['Last-Modified', 'Sat, 28 Feb 2026 12:00:00 GMT'], { status: 500 }, 'not-cacheable'],
    ['§3 a 206 is not stored', ['Cache-Control', 'max-age=60'], { status: 206 }, 'not-cacheable'],
    ['nothing reusable: max-age=0 without validator', ['Cache-Control', 'max-age=0'], {}, 'no-freshness'],
    ['nothing reusable: no freshness information at all', [], {}, 'no-freshness'],
    ['a default TTL makes it reusable', [], { options: { defaultTtlMs: 30_000 } }, 'store 30000ms'],
    ['§5.2.2.4 no-cache with a validator is kept for revalidation', ['Cache-Control', 'no-cache', 'ETag', '"v"'], {}, 'store 300000ms'],
    [
      'RFC 9213 CDN-Cache-Control allows what Cache-Control forbids',
      ['Cache-Control', 'no-store', 'CDN-Cache-Control', 'max-age=600'],
      {},
      'store 600000ms',
    ],
    ['RFC 9213 CDN-Cache-Control forbids what Cache-Control allows', ['Cache-Control', 'max-age=60', 'CDN-Cache-Control', 'no-store'], {}, 'no-store'],
    ['RFC 9213 CDN-Cache-Control private', ['Cache-Control', 'public, max-age=60', 'CDN-Cache-Control', 'private'], {}, 'private'],
  ])('%s', (_title, fields, options, expected) => {
    expect(verdict(fields, options)).toBe(expected);
  });

  it('keeps request fields out of the stored policy (no Cookie or Authorization at rest)', () => {
    const request: CacheRequest = {
      method: 'GET',
      headers: { cookie: 'sid=secret-cookie', authorization: 'Bearer secret-token', host: 'h', 'cache-control': 'max-age=9' },
    };
    const result = storageVerdict(request, { status: 200, headers: ['Cache-Control', 'public, max-age=60', 'Vary', 'Cookie'] }, 1, OPTIONS);
    if (!result.store) throw new Error(result.reason);
    const text = JSON.stringify(result.policy);
    expect(text).not.toContain('secret');
    expect(result.policy.reqh).toBeNull();
    expect(result.policy.resh).not.toHaveProperty('vary');
  });

  it('isStorable is the verdict as a boolean', () => {
    const req: CacheRequest = { method: 'GET', headers: {} };
    expect(isStorable(req, { status: 200, headers: ['Cache-Control', 'max-age=1'] }, 1, OPTIONS)).toBe(true);
    expect(isStorable(req, { status: 200, headers: ['Cache-Control', 'no-store'] }, 1, OPTIONS)).toBe(false);
  });
});

describe('storageVerdict: explicit freshness on any final status (RFC 9111 §3)', () => {
  const EXPIRES = new Date(T0 + 60_000).toUTCString();
  it.each([299, 400, 499, 500, 502, 503, 504, 599])('stores a %i with max-age, s-maxage or Expires', (status) => {
    expect(verdict(['Cache-Control', 'max-age=60'], { status })).toBe('store 60000ms');
    expect(verdict(['Cache-Control', 's-maxage=30'], { status })).toBe('store 30000ms');
    expect(verdict(['Expires', EXPIRES], { status })).toBe('store 60000ms');
  });

  it.each<[string, string[], Parameters<typeof verdict>[1], string]>([
    ['public alone gives a 503 no lifetime (no heuristic)', ['Cache-Control', 'public'], { status: 503 }, 'not-cacheable'],
    ['a route default TTL does not apply to a 503', [], { status: 503, options: { defaultTtlMs: 30_000 } }, 'not-cacheable'],
    ['an invalid Expires on a 500 is explicit but expired', ['Expires', 'soon'], { status: 500 }, 'no-freshness'],
    ['§7.3 Set-Cookie on a 500 is not stored', ['Cache-Control', 'public, max-age=60', 'Set-Cookie', 's=1'], { status: 500 }, 'set-cookie'],
    ['§3.5 a 500 to Authorization without permission', ['Cache-Control', 'max-age=60'], { status: 500, headers: { authorization: 'Basic x' } }, 'authorization'],
    ['§3.5 a 500 to Authorization with s-maxage', ['Cache-Control', 's-maxage=60'], { status: 500, headers: { authorization: 'Basic x' } }, 'store 60000ms'],
    ['no-store on a 503', ['Cache-Control', 'max-age=60, no-store'], { status: 503 }, 'no-store'],
    ['private on a 400', ['Cache-Control', 'max-age=60, private'], { status: 400 }, 'private'],
    ['a 304 is never stored as a response', ['Cache-Control', 'max-age=60'], { status: 304 }, 'not-cacheable'],
    ['a 1xx is not final', ['Cache-Control', 'max-age=60'], { status: 103 }, 'not-cacheable'],
  ])('%s', (_title, fields, options, expected) => {
    expect(verdict(fields, options)).toBe(expected);
  });

  it('keeps the real status in the entry while the policy judges it as a stored response', () => {
    const result = storageVerdict({ method: 'GET', headers: {} }, { status: 503, headers: ['Cache-Control', 'max-age=60'] }, 1, OPTIONS);
    if (!result.store) throw new Error(result.reason);
    expect(result.ttlMs).toBe(60_000);
  });
});

describe('storageVerdict: Expires, Date and Age as RFC 9111 reads them', () => {
  const IN_A_MINUTE = new Date(T0 + 60_000).toUTCString(); // Sun, 01 Mar 2026 12:01:00 GMT
  it.each<[string, string[], string]>([
    ['§5.3 IMF-fixdate', ['Expires', IN_A_MINUTE], 'store 60000ms'],
    ['RFC 9110 §5.6.7 obsolete RFC 850 date', ['Expires', 'Sunday, 01-Mar-26 12:01:00 GMT'], 'store 60000ms'],
    ['RFC 9110 §5.6.7 obsolete asctime date', ['Expires', 'Sun Mar  1 12:01:00 2026'], 'store 60000ms'],
    ['§5.3 invalid: a one-digit hour', ['Expires', 'Thu, 01 Jan 2099 1:00:00 GMT'], 'no-freshness'],
    ['§5.3 invalid: no comma', ['Expires', 'Thu 01 Jan 2099 01:00:00 GMT'], 'no-freshness'],
    ['§5.3 invalid: dashes', ['Expires', 'Thu, 01-Jan-2099 01:00:00 GMT'], 'no-freshness'],
    ['§5.3 invalid: several spaces', ['Expires', 'Thu,  01 Jan 2099 01:00:00 GMT'], 'no-freshness'],
    ['§5.3 invalid: a zone other than GMT', ['Expires', 'Thu, 01 Jan 2099 01:00:00 UTC'], 'no-freshness'],
    ['§5.3 invalid: 0', ['Expires', '0'], 'no-freshness'],
    ['§4.2.1 two Expires lines are taken as stale', ['Expires', 'Thu, 01 Jan 2099 01:00:00 GMT', 'Expires', 'Thu, 01 Jan 2099 01:00:00 GMT'], 'no-freshness'],
    ['§5.3 an invalid Expires with a validator is kept to revalidate', ['Expires', 'never', 'ETag', '"v"'], 'store 300000ms'],
    ['§5.3 max-age wins over an invalid Expires', ['Cache-Control', 'max-age=60', 'Expires', 'never'], 'store 60000ms'],
    ['§5.1 Age 1.5 is ignored', ['Cache-Control', 'max-age=60', 'Age', '1.5'], 'store 60000ms'],
    ['§5.1 Age -1 is ignored', ['Cache-Control', 'max-age=60', 'Age', '-1'], 'store 60000ms'],
    ['§5.1 Age abc is ignored', ['Cache-Control', 'max-age=60', 'Age', 'abc'], 'store 60000ms'],
    ['§5.1 a list-based Age uses its first member', ['Cache-Control', 'max-age=60', 'Age', '5, 6'], 'store 55000ms'],
    ['§5.1 two Age lines use the first', ['Cache-Control', 'max-age=60', 'Age', '5', 'Age', '6'], 'store 55000ms'],
    ['§5.1 an invalid first member is ignored whole', ['Cache-Control', 'max-age=60', 'Age', 'x, 6'], 'store 60000ms'],
    ['RFC 9110 §8.8.2 an invalid Last-Modified is no validator to revalidate with', ['Expires', 'never', 'Last-Modified', 'yesterday'], 'no-freshness'],
    ['§1.2.2 a huge max-age is taken as 2^31 seconds', ['Cache-Control', 'max-age=99999999999999'], 'store 2147483648000ms'],
    ['§1.2.2 a huge s-maxage is taken as 2^31 seconds', ['Cache-Control', 's-maxage=99999999999999'], 'store 2147483648000ms'],
    ['§1.2.2 a huge Age makes it stale: kept only to revalidate', ['Cache-Control', 'max-age=60', 'Age', '99999999999999999999999', 'ETag', '"v"'], 'store 300000ms'],
  ])('%s', (_title, fields, expected) => {
    expect(verdict(fields)).toBe(expected);
  });

  it('RFC 9110 §6.6.1: an invalid Date is replaced by the time of receipt', () => {
    const request: CacheRequest = { method: 'GET', headers: {} };
    // Date.parse reads this as an hour before T0, which would add an hour of freshness.
    const head = { status: 200, headers: ['Date', 'Sun, 01 Mar 2026 11:00:00 UTC', 'Expires', IN_A_MINUTE] };
    const result = storageVerdict(request, head, 1, OPTIONS);
    expect(result.store && result.ttlMs).toBe(60_000);
  });
});

describe('storageVerdict: a POST response for a later GET (RFC 9110 §9.3.3)', () => {
  const targetKey = 'https://shop.example/orders/7?v=1';
  const post = (fields: string[], options: Partial<StorageOptions> = { targetKey }): string =>
    verdict(fields, { method: 'POST', options });
  it.each<[string, string[], Partial<StorageOptions> | undefined, string]>([
    ['a path naming the target', ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/7?v=1'], undefined, 'store 60000ms'],
    ['the absolute target URI', ['Cache-Control', 'max-age=60', 'Content-Location', 'https://shop.example/orders/7?v=1'], undefined, 'store 60000ms'],
    ['a relative reference resolving to it', ['Cache-Control', 'max-age=60', 'Content-Location', '7?v=1'], undefined, 'store 60000ms'],
    ['Expires is explicit freshness too', ['Expires', new Date(T0 + 60_000).toUTCString(), 'Content-Location', '/orders/7?v=1'], undefined, 'store 60000ms'],
    ['another path', ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/8'], undefined, 'method'],
    ['another query', ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/7'], undefined, 'method'],
    ['another origin', ['Cache-Control', 'max-age=60', 'Content-Location', 'https://evil.example/orders/7?v=1'], undefined, 'method'],
    ['another scheme', ['Cache-Control', 'max-age=60', 'Content-Location', 'http://shop.example/orders/7?v=1'], undefined, 'method'],
    ['two Content-Location lines', ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/7?v=1', 'Content-Location', '/orders/7?v=1'], undefined, 'method'],
    ['no target key given', ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/7?v=1'], {}, 'method'],
    ['heuristic freshness is not enough', ['Last-Modified', 'Sat, 28 Feb 2026 12:00:00 GMT', 'Content-Location', '/orders/7?v=1'], undefined, 'no-freshness'],
    ['nor a route default', ['Content-Location', '/orders/7?v=1'], { targetKey, defaultTtlMs: 60_000 }, 'no-freshness'],
    ['no-store still refuses', ['Cache-Control', 'max-age=60, no-store', 'Content-Location', '/orders/7?v=1'], undefined, 'no-store'],
    ['Set-Cookie still refuses', ['Cache-Control', 'max-age=60', 'Set-Cookie', 'a=b', 'Content-Location', '/orders/7?v=1'], undefined, 'set-cookie'],
  ])('%s', (_title, fields, options, expected) => {
    expect(post(fields, options)).toBe(expected);
  });

  it('stores a policy that answers a GET', () => {
    const result = storageVerdict(
      { method: 'POST', headers: { 'content-type': 'text/plain' } },
      { status: 200, headers: ['Cache-Control', 'max-age=60', 'Content-Location', '/orders/7?v=1'] },
      1,
      { ...OPTIONS, targetKey },
    );
    if (!result.store) throw new Error(result.reason);
    expect(result.policy.m).toBe('GET');
  });
});

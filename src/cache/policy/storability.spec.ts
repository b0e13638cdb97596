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
    ['§3 POST responses are not stored', ['Cache-Control', 'max-age=60'], { method: 'POST' }, 'method'],
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
    ['§3 a 500 is not understood as cacheable', ['Cache-Control', 'max-age=60'], { status: 500 }, 'not-cacheable'],
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

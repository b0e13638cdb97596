import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { decide, lookupBypass, storageVerdict, type CacheDecision, type CacheRequest } from './cache-decision.js';
import { createCachedResponse } from './cached-response.js';
import type { StorageOptions } from './storability.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const DATE = new Date(T0).toUTCString();
const GET: CacheRequest = { method: 'GET', headers: {} };

/** Stores a 200 response with these fields at T0, as the proxy would. */
function stored(fields: string[], options: Partial<StorageOptions> = {}, status = 200): CachedResponse {
  const head = { status, headers: ['Date', DATE, ...fields] };
  const verdict = storageVerdict(GET, head, 4, { maxObjectBytes: 1000, now: T0, ...options });
  if (!verdict.store) throw new Error(`not stored: ${verdict.reason}`);
  return createCachedResponse(head, Buffer.from('body'), verdict.policy, T0);
}

function request(headers: IncomingHttpHeaders = {}, method = 'GET'): CacheRequest {
  return { method, headers };
}

/** The decision after `seconds`, reduced to what the tables compare. */
function after(seconds: number, entry: CachedResponse, req: CacheRequest = GET): string {
  const decision: CacheDecision = decide(req, entry, 'uri-miss', T0 + seconds * 1000);
  switch (decision.kind) {
    case 'hit':
      return `hit age=${Math.round(decision.age)} ttl=${Math.round(decision.ttl)}${decision.stale ? ' stale' : ''}`;
    case 'stale-while-revalidate':
      return `swr ttl=${Math.round(decision.ttl)}`;
    case 'revalidate':
      return `revalidate fwd=${decision.fwd}${decision.conditional.add.map(([n, v]) => ` ${n}=${v}`).join('')}`;
    case 'miss':
      return `miss fwd=${decision.fwd}`;
    case 'unsatisfiable':
      return 'unsatisfiable';
  }
}

describe('decide (RFC 9111 §4)', () => {
  it.each<[string, string[], number, IncomingHttpHeaders, string]>([
    ['§4.2 fresh within max-age', ['Cache-Control', 'max-age=60'], 10, {}, 'hit age=10 ttl=50'],
    ['§4.2 stale after max-age, no validator', ['Cache-Control', 'max-age=60'], 70, {}, 'revalidate fwd=stale'],
    [
      '§4.3.1 stale with an ETag revalidates with If-None-Match',
      ['Cache-Control', 'max-age=60', 'ETag', '"v1"'],
      70,
      {},
      'revalidate fwd=stale if-none-match="v1"',
    ],
    [
      '§4.3.1 stale with Last-Modified revalidates with If-Modified-Since',
      ['Cache-Control', 'max-age=60', 'Last-Modified', 'Sat, 28 Feb 2026 12:00:00 GMT'],
      70,
      {},
      'revalidate fwd=stale if-modified-since=Sat, 28 Feb 2026 12:00:00 GMT',
    ],
    [
      '§4.3.1 the client\'s own validators are kept beside the stored one',
      ['Cache-Control', 'max-age=60', 'ETag', '"v1"'],
      70,
      { 'if-none-match': '"mine"' },
      'revalidate fwd=stale if-none-match="mine", "v1"',
    ],
    ['§5.2.1.4 request no-cache forwards a fresh hit', ['Cache-Control', 'max-age=60'], 10, { 'cache-control': 'no-cache' }, 'revalidate fwd=request'],
    ['§5.4 request Pragma: no-cache does too', ['Cache-Control', 'max-age=60'], 10, { pragma: 'no-cache' }, 'revalidate fwd=request'],
    ['§5.2.1.1 request max-age below the age', ['Cache-Control', 'max-age=60'], 10, { 'cache-control': 'max-age=5' }, 'revalidate fwd=request'],
    ['§5.2.1.3 request min-fresh not met', ['Cache-Control', 'max-age=60'], 10, { 'cache-control': 'min-fresh=55' }, 'revalidate fwd=request'],
    ['§5.2.1.3 request min-fresh met', ['Cache-Control', 'max-age=60'], 10, { 'cache-control': 'min-fresh=40' }, 'hit age=10 ttl=50'],
    ['§5.2.1.2 request max-stale covers the staleness', ['Cache-Control', 'max-age=60'], 70, { 'cache-control': 'max-stale=20' }, 'hit age=70 ttl=-10 stale'],
    ['§5.2.1.2 request max-stale too small', ['Cache-Control', 'max-age=60'], 90, { 'cache-control': 'max-stale=20' }, 'revalidate fwd=stale'],
    ['§5.2.1.2 request max-stale without a value', ['Cache-Control', 'max-age=60'], 1000, { 'cache-control': 'max-stale' }, 'hit age=1000 ttl=-940 stale'],
    [
      '§5.2.2.2 must-revalidate overrides max-stale',
      ['Cache-Control', 'max-age=60, must-revalidate'],
      70,
      { 'cache-control': 'max-stale' },
      'revalidate fwd=stale',
    ],
    ['§5.2.2.2 must-revalidate does not affect a fresh response', ['Cache-Control', 'max-age=60, must-revalidate'], 10, {}, 'hit age=10 ttl=50'],
    ['§5.2.2.8 proxy-revalidate does not affect a fresh response', ['Cache-Control', 'max-age=60, proxy-revalidate'], 10, {}, 'hit age=10 ttl=50'],
    [
      '§5.2.2.8 proxy-revalidate overrides max-stale in a shared cache',
      ['Cache-Control', 'max-age=60, proxy-revalidate'],
      70,
      { 'cache-control': 'max-stale' },
      'revalidate fwd=stale',
    ],
    ['§5.2.2.10 s-maxage wins over max-age in a shared cache', ['Cache-Control', 'max-age=600, s-maxage=30'], 40, {}, 'revalidate fwd=stale'],
    [
      '§5.2.2.10 s-maxage implies proxy-revalidate: no max-stale',
      ['Cache-Control', 's-maxage=30'],
      40,
      { 'cache-control': 'max-stale' },
      'revalidate fwd=stale',
    ],
    ['§5.2.2.4 no-cache with a validator always revalidates', ['Cache-Control', 'no-cache', 'ETag', '"v"'], 0, {}, 'revalidate fwd=stale if-none-match="v"'],
    [
      '§5.2.2.4 no-cache is not served stale even with stale-while-revalidate',
      ['Cache-Control', 'no-cache, stale-while-revalidate=60', 'ETag', '"v"'],
      1,
      {},
      'revalidate fwd=stale if-none-match="v"',
    ],
    ['RFC 5861 §3 stale-while-revalidate within its window', ['Cache-Control', 'max-age=60, stale-while-revalidate=30'], 70, {}, 'swr ttl=-10'],
    ['RFC 5861 §3 stale-while-revalidate past its window', ['Cache-Control', 'max-age=60, stale-while-revalidate=30'], 100, {}, 'revalidate fwd=stale'],
    [
      'RFC 5861 §3 must-revalidate forbids stale-while-revalidate',
      ['Cache-Control', 'max-age=60, stale-while-revalidate=30, must-revalidate'],
      70,
      {},
      'revalidate fwd=stale',
    ],
    ['§5.3 Expires in the future', ['Expires', new Date(T0 + 60_000).toUTCString()], 10, {}, 'hit age=10 ttl=50'],
    ['§5.1 upstream Age counts', ['Cache-Control', 'max-age=60', 'Age', '30'], 10, {}, 'hit age=40 ttl=20'],
    [
      '§4.2.2 heuristic freshness: 10% of the time since Last-Modified',
      ['Last-Modified', new Date(T0 - 10 * 86_400_000).toUTCString()],
      3600,
      {},
      'hit age=3600 ttl=82800',
    ],
    [
      'RFC 9213 §2.1 CDN-Cache-Control replaces Cache-Control',
      ['Cache-Control', 'max-age=10', 'CDN-Cache-Control', 'max-age=600'],
      60,
      {},
      'hit age=60 ttl=540',
    ],
    [
      'RFC 9213 §2.1 CDN-Cache-Control replaces Expires too',
      ['CDN-Cache-Control', 'none', 'Expires', new Date(T0 + 600_000).toUTCString(), 'ETag', '"v"'],
      60,
      {},
      'revalidate fwd=stale if-none-match="v"',
    ],
  ])('%s', (_title, fields, seconds, headers, expected) => {
    expect(after(seconds, stored(fields), request(headers))).toBe(expected);
  });

  it('regression: validators are sent for requests that carry Host (all real ones do)', () => {
    const entry = stored(['Cache-Control', 'max-age=60', 'ETag', '"v1"']);
    const req = request({ host: 'example.com', 'user-agent': 'x', 'cache-control': 'no-cache' });
    expect(after(10, entry, req)).toBe('revalidate fwd=request if-none-match="v1"');
    expect(after(70, entry, request({ host: 'example.com' }))).toBe('revalidate fwd=stale if-none-match="v1"');
  });

  it('§4 HEAD is answered from the stored GET response', () => {
    expect(after(10, stored(['Cache-Control', 'max-age=60']), request({}, 'HEAD'))).toBe('hit age=10 ttl=50');
  });

  it.each<[string, string[] | undefined, number, string]>([
    ['§5.2.1.7 only-if-cached with a fresh entry is a hit', ['Cache-Control', 'max-age=60'], 10, 'hit age=10 ttl=50'],
    ['§5.2.1.7 only-if-cached with a stale entry is a 504', ['Cache-Control', 'max-age=60'], 70, 'unsatisfiable'],
    ['§5.2.1.7 only-if-cached without an entry is a 504', undefined, 0, 'unsatisfiable'],
  ])('%s', (_title, fields, seconds, expected) => {
    const req = request({ 'cache-control': 'only-if-cached' });
    const decision = decide(req, fields && stored(fields), 'uri-miss', T0 + seconds * 1000);
    expect(decision.kind === 'unsatisfiable' ? 'unsatisfiable' : after(seconds, stored(fields!), req)).toBe(expected);
  });

  it.each(['uri-miss', 'vary-miss', 'miss'] as const)('RFC 9211 §2.2 a missing entry is a %s', (reason) => {
    expect(decide(GET, undefined, reason)).toEqual({ kind: 'miss', fwd: reason });
  });

  describe('route default TTL (no explicit freshness)', () => {
    const route = { defaultTtlMs: 60_000 };
    it.each<[string, string[], number, number, string]>([
      ['applies to a response without freshness', [], 200, 10, 'hit age=10 ttl=50'],
      ['expires like max-age would', [], 200, 70, 'revalidate fwd=stale'],
      ['applies beside other directives', ['Cache-Control', 'public'], 200, 10, 'hit age=10 ttl=50'],
      ['applies to a heuristically cacheable 404', [], 404, 10, 'hit age=10 ttl=50'],
      ['does not replace max-age', ['Cache-Control', 'max-age=5'], 200, 10, 'revalidate fwd=stale'],
      ['does not replace Expires', ['Expires', new Date(T0 + 5_000).toUTCString()], 200, 10, 'revalidate fwd=stale'],
      ['does not override no-cache', ['Cache-Control', 'no-cache', 'ETag', '"v"'], 200, 10, 'revalidate fwd=stale if-none-match="v"'],
    ])('%s', (_title, fields, status, seconds, expected) => {
      expect(after(seconds, stored(fields, route, status))).toBe(expected);
    });

    it('never makes a 302 storable without explicit freshness', () => {
      const verdict = storageVerdict(GET, { status: 302, headers: ['Location', '/x'] }, 0, { maxObjectBytes: 10, ...route });
      expect(verdict).toEqual({ store: false, reason: 'not-cacheable' });
    });
  });
});

describe('decide: stored responses with statuses not heuristically cacheable (RFC 9111 §3, §4.2.4)', () => {
  it.each<[string, string[], number, IncomingHttpHeaders, string]>([
    ['fresh within max-age', ['Cache-Control', 'max-age=60'], 10, {}, 'hit age=10 ttl=50'],
    ['stale after max-age', ['Cache-Control', 'max-age=60'], 70, {}, 'revalidate fwd=stale'],
    ['a client max-stale may use it stale', ['Cache-Control', 'max-age=60'], 70, { 'cache-control': 'max-stale' }, 'hit age=70 ttl=-10 stale'],
    ['§5.2.2.2 must-revalidate overrides max-stale', ['Cache-Control', 'max-age=60, must-revalidate'], 70, { 'cache-control': 'max-stale' }, 'revalidate fwd=stale'],
    ['§5.2.2.2 must-revalidate does not affect it while fresh', ['Cache-Control', 'max-age=60, must-revalidate'], 10, {}, 'hit age=10 ttl=50'],
    ['§5.2.2.8 proxy-revalidate overrides max-stale', ['Cache-Control', 'max-age=60, proxy-revalidate'], 70, { 'cache-control': 'max-stale' }, 'revalidate fwd=stale'],
    ['§5.2.2.8 proxy-revalidate does not affect it while fresh', ['Cache-Control', 'max-age=60, proxy-revalidate'], 10, {}, 'hit age=10 ttl=50'],
    ['§5.2.2.4 no-cache always revalidates', ['Cache-Control', 'max-age=60, no-cache', 'ETag', '"e"'], 10, {}, 'revalidate fwd=stale if-none-match="e"'],
    ['§5.2.2.10 s-maxage wins over max-age', ['Cache-Control', 'max-age=600, s-maxage=30'], 40, {}, 'revalidate fwd=stale'],
    ['§5.2.2.10 s-maxage implies proxy-revalidate', ['Cache-Control', 's-maxage=30'], 40, { 'cache-control': 'max-stale' }, 'revalidate fwd=stale'],
    ['§5.3 Expires', ['Expires', new Date(T0 + 60_000).toUTCString()], 10, {}, 'hit age=10 ttl=50'],
  ])('%s', (title, fields, seconds, headers, expected) => {
    for (const status of [299, 400, 499, 500, 502, 503, 504, 599]) {
      expect([status, title, after(seconds, stored(fields, {}, status), request(headers))]).toEqual([status, title, expected]);
    }
  });
});

describe('lookupBypass (RFC 9211 §2.2)', () => {
  it.each<[string, CacheRequest, { enabled?: boolean }, boolean, unknown]>([
    ['GET is looked up', request(), {}, true, undefined],
    ['HEAD is looked up', request({}, 'HEAD'), {}, true, undefined],
    ['POST is forwarded for its method', request({}, 'POST'), {}, true, { fwd: 'method' }],
    ['an unknown method is forwarded for its method', request({}, 'PURGE'), {}, true, { fwd: 'method' }],
    ['the cache switched off is a bypass', request(), {}, false, { fwd: 'bypass' }],
    ['a route that opted out is a bypass', request(), { enabled: false }, true, { fwd: 'bypass' }],
    ['a Range request is looked up (a stored 200 answers it)', request({ range: 'bytes=0-1' }), {}, true, undefined],
    ['a GET with a body is a bypass', request({ 'content-length': '6' }), {}, true, { fwd: 'bypass', detail: 'request-body' }],
    ['a GET with a chunked body is a bypass', request({ 'transfer-encoding': 'chunked' }), {}, true, { fwd: 'bypass', detail: 'request-body' }],
    ['a GET with Content-Length: 0 is looked up', request({ 'content-length': '0' }), {}, true, undefined],
  ])('%s', (_title, req, route, enabled, expected) => {
    expect(lookupBypass(req, route, enabled)).toEqual(expected);
  });
});

describe('decide for a Range request (RFC 9111 §4, RFC 9110 §14.2)', () => {
  const entry = stored(['Cache-Control', 'max-age=60', 'ETag', '"v1"']);
  const ranged = request({ range: 'bytes=0-1', 'if-range': '"v1"' });

  it('is a hit like any GET while the stored response is fresh (the part is cut from it)', () => {
    expect(after(10, entry, ranged)).toBe('hit age=10 ttl=50');
  });

  it('revalidates the whole stored response: Range and If-Range are not forwarded', () => {
    const decision = decide(ranged, entry, 'uri-miss', T0 + 70_000);
    if (decision.kind !== 'revalidate') throw new Error(`expected revalidate, got ${decision.kind}`);
    expect([...decision.conditional.remove]).toEqual(expect.arrayContaining(['range', 'if-range']));
    expect(decision.conditional.add).toEqual([['if-none-match', '"v1"']]);
  });
});

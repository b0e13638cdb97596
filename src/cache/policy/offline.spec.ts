import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { createCachedResponse } from './cached-response.js';
import { offlineVerdict } from './offline.js';
import { storageVerdict, type CacheRequest } from './storability.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const DATE = new Date(T0).toUTCString();
const GET: CacheRequest = { method: 'GET', headers: {} };
/** The limit every row uses: five minutes past freshness. */
const LIMIT_MS = 300_000;

function stored(fields: string[]): CachedResponse {
  const head = { status: 200, headers: ['Date', DATE, ...fields] };
  const verdict = storageVerdict(GET, head, 4, { maxObjectBytes: 1000, now: T0 });
  if (!verdict.store) throw new Error(`not stored: ${verdict.reason}`);
  return createCachedResponse(head, Buffer.from('body'), verdict.policy, T0);
}

/** The verdict `seconds` after storing, reduced to what the table compares. */
function offline(fields: string[], seconds: number, headers: IncomingHttpHeaders = {}, maxStaleMs = LIMIT_MS): string {
  const verdict = offlineVerdict({ method: 'GET', headers }, stored(fields), { maxStaleMs, now: T0 + seconds * 1000 });
  switch (verdict.kind) {
    case 'hit':
      return `hit ttl=${Math.round(verdict.ttl)}${verdict.stale ? ' stale' : ''}`;
    case 'stale':
      return `stale ttl=${Math.round(verdict.ttl)} by=${verdict.allowedBy}`;
    case 'refuse':
      return `refuse ${verdict.reason}`;
  }
}

const MAX_AGE = ['Cache-Control', 'max-age=60'];
const WITH_ETAG = ['Cache-Control', 'max-age=60', 'ETag', '"v1"'];

describe('offlineVerdict (RFC 9111 §4.2.4: a cache disconnected from the origin)', () => {
  it.each<[string, string[], number, IncomingHttpHeaders, string]>([
    ['§4.2 fresh: served as any hit', MAX_AGE, 10, {}, 'hit ttl=50'],
    ['§4.2 fresh with must-revalidate: the directive binds only once stale', ['Cache-Control', 'max-age=60, must-revalidate'], 10, {}, 'hit ttl=50'],
    ['§4.2.4 stale within the limit', WITH_ETAG, 70, {}, 'stale ttl=-10 by=offline'],
    ['§4.2.4 stale exactly at the limit', MAX_AGE, 360, {}, 'stale ttl=-300 by=offline'],
    ['§4.2.4 stale past the limit', WITH_ETAG, 361, {}, 'refuse too-stale'],
    ['RFC 5861 §4 stale-if-error allows it past the limit, inside its window', ['Cache-Control', 'max-age=60, stale-if-error=3600'], 1000, {}, 'stale ttl=-940 by=stale-if-error'],
    ['RFC 5861 §4 past the stale-if-error window and the limit', ['Cache-Control', 'max-age=60, stale-if-error=100'], 1000, {}, 'refuse too-stale'],
    ['§5.2.2.2 must-revalidate: an error rather than the stale response', ['Cache-Control', 'max-age=60, must-revalidate'], 70, {}, 'refuse must-revalidate'],
    ['§5.2.2.8 proxy-revalidate (a shared cache)', ['Cache-Control', 'max-age=60, proxy-revalidate'], 70, {}, 'refuse must-revalidate'],
    ['§5.2.2.10 s-maxage implies proxy-revalidate', ['Cache-Control', 's-maxage=60'], 70, {}, 'refuse s-maxage'],
    ['§5.2.2.10 s-maxage even with stale-if-error', ['Cache-Control', 's-maxage=60, stale-if-error=600'], 70, {}, 'refuse s-maxage'],
    ['§5.2.2.4 no-cache: never without validation, stale', ['Cache-Control', 'no-cache', 'ETag', '"v1"'], 70, {}, 'refuse no-cache'],
    ['§5.2.2.4 no-cache: nor while "fresh"', ['Cache-Control', 'max-age=60, no-cache', 'ETag', '"v1"'], 10, {}, 'refuse no-cache'],
    ['§5.2.2.2 must-revalidate with stale-if-error: still refused', ['Cache-Control', 'max-age=60, must-revalidate, stale-if-error=600'], 70, {}, 'refuse must-revalidate'],
  ])('%s', (_name, fields, seconds, headers, expected) => {
    expect(offline(fields, seconds, headers)).toBe(expected);
  });

  it.each<[string, number, IncomingHttpHeaders, string]>([
    ['§5.2.1.2 max-stale (no value): any stale one, as when connected', 1000, { 'cache-control': 'max-stale' }, 'hit ttl=-940 stale'],
    ['§5.2.1.2 within max-stale=120: served as when connected', 100, { 'cache-control': 'max-stale=120' }, 'hit ttl=-40 stale'],
    ['§5.2.1.2 past max-stale=20, though within the limit: the client\'s bound', 100, { 'cache-control': 'max-stale=20' }, 'refuse request'],
    ['§5.2.1.4 request no-cache, stale', 70, { 'cache-control': 'no-cache' }, 'refuse request'],
    ['§5.2.1.4 request no-cache, fresh: it asked for validation', 10, { 'cache-control': 'no-cache' }, 'refuse request'],
    ['§5.4 Pragma: no-cache without Cache-Control', 70, { pragma: 'no-cache' }, 'refuse request'],
    ['§5.4 Pragma is ignored beside Cache-Control', 70, { pragma: 'no-cache', 'cache-control': 'only-if-cached' }, 'stale ttl=-10 by=offline'],
    ['§5.2.1.1 max-age: no stale response wanted', 70, { 'cache-control': 'max-age=3600' }, 'refuse request'],
    ['§5.2.1.1 max-age=5 on a fresh one older than that', 10, { 'cache-control': 'max-age=5' }, 'refuse request'],
    ['§5.2.1.1 max-age the fresh one meets', 10, { 'cache-control': 'max-age=30' }, 'hit ttl=50'],
    ['§5.2.1.3 min-fresh the fresh one cannot meet', 10, { 'cache-control': 'min-fresh=55' }, 'refuse request'],
    ['§5.2.1.3 min-fresh, stale', 70, { 'cache-control': 'min-fresh=1' }, 'refuse request'],
    ['§5.2.1.7 only-if-cached: stale within the limit is what the cache has', 70, { 'cache-control': 'only-if-cached' }, 'stale ttl=-10 by=offline'],
  ])('%s', (_name, seconds, headers, expected) => {
    expect(offline(WITH_ETAG, seconds, headers)).toBe(expected);
  });

  it('a limit of 0 serves no stale response the origin did not allow, and fresh ones still', () => {
    expect(offline(WITH_ETAG, 61, {}, 0)).toBe('refuse too-stale');
    expect(offline(['Cache-Control', 'max-age=60, stale-if-error=60'], 61, {}, 0)).toBe('stale ttl=-1 by=stale-if-error');
    expect(offline(WITH_ETAG, 59, {}, 0)).toBe('hit ttl=1');
  });
});

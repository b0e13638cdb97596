import type { CachedResponse } from './cache-entry.js';
import { decide, storageVerdict, type CacheRequest } from './cache-decision.js';
import { createCachedResponse } from './cached-response.js';
import { applyRevalidation, staleIfError } from './revalidation.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const GET: CacheRequest = { method: 'GET', headers: {} };

function stored(fields: string[]): CachedResponse {
  const head = { status: 200, reason: 'OK', headers: ['Date', new Date(T0).toUTCString(), ...fields] };
  const verdict = storageVerdict(GET, head, 4, { maxObjectBytes: 1000, now: T0 });
  if (!verdict.store) throw new Error(verdict.reason);
  return createCachedResponse(head, Buffer.from('body'), verdict.policy, T0);
}

const AT = T0 + 120_000;

describe('applyRevalidation (RFC 9111 §4.3.3, §4.3.4)', () => {
  const entry = stored(['Cache-Control', 'max-age=60', 'ETag', '"v1"', 'Content-Type', 'text/plain', 'X-Old', '1']);

  it('§4.3.4 a 304 with the stored strong ETag freshens the entry with its fields', () => {
    const outcome = applyRevalidation(GET, entry, { status: 304, headers: ['ETag', '"v1"', 'Cache-Control', 'max-age=120', 'X-New', '2'] }, { now: AT });
    if (outcome.kind !== 'not-modified') throw new Error(outcome.kind);
    expect(outcome.entry.headers).toEqual([
      'Date',
      new Date(T0).toUTCString(),
      'Cache-Control',
      'max-age=120',
      'ETag',
      '"v1"',
      'Content-Type',
      'text/plain',
      'X-Old',
      '1',
      'X-New',
      '2',
    ]);
    expect(outcome.entry.body).toBe(entry.body);
    expect(outcome.entry.storedAt).toBe(AT);
    // Fresh again for the 304's lifetime, counted from the revalidation.
    expect(outcome.ttlMs).toBe(120_000 + 300_000);
    expect(decide(GET, outcome.entry, 'uri-miss', AT + 10_000)).toMatchObject({ kind: 'hit', stale: false });
  });

  it('§4.3.4 a 304 with a weak ETag matching the stored one freshens it', () => {
    const outcome = applyRevalidation(GET, entry, { status: 304, headers: ['ETag', 'W/"v1"'] }, { now: AT });
    expect(outcome.kind).toBe('not-modified');
  });

  it('§4.3.4 a 304 with another strong ETag answered the client\'s own validator, not the cache', () => {
    const conditional: CacheRequest = { method: 'GET', headers: { 'if-none-match': '"client"' } };
    const outcome = applyRevalidation(conditional, entry, { status: 304, headers: ['ETag', '"client"'] }, { now: AT });
    expect(outcome).toEqual({ kind: 'not-modified-unmatched' });
  });

  // Regression: an unconditional client got HARP's 304 (no body) when the backend's 304 did not
  // repeat the stored validator.
  it('a 304 without validators to the cache\'s own conditional selects the stored response', () => {
    const outcome = applyRevalidation(GET, entry, { status: 304, headers: ['Cache-Control', 'max-age=120'] }, { now: AT });
    if (outcome.kind !== 'not-modified') throw new Error(outcome.kind);
    expect(outcome.ttlMs).toBe(120_000 + 300_000);
    const lastModified = stored(['Cache-Control', 'max-age=60', 'Last-Modified', new Date(T0 - 1000).toUTCString()]);
    expect(applyRevalidation(GET, lastModified, { status: 304, headers: [] }, { now: AT }).kind).toBe('not-modified');
  });

  it('a 304 naming another validator to the cache\'s own conditional: stored response served, not freshened', () => {
    const outcome = applyRevalidation(GET, entry, { status: 304, headers: ['ETag', '"other"'] }, { now: AT });
    expect(outcome).toEqual({ kind: 'not-modified', entry, ttlMs: 0 });
  });

  it('§4.3.4 a 304 without validators selects an entry without validators', () => {
    const plain = stored(['Cache-Control', 'max-age=60']);
    expect(applyRevalidation(GET, plain, { status: 304, headers: [] }, { now: AT }).kind).toBe('not-modified');
  });

  it('§3.2 a 304 never brings Set-Cookie, Content-Length or hop-by-hop fields into the entry', () => {
    const outcome = applyRevalidation(
      GET,
      entry,
      { status: 304, headers: ['ETag', '"v1"', 'Set-Cookie', 'a=1', 'Content-Length', '0', 'Connection', 'close'] },
      { now: AT },
    );
    if (outcome.kind !== 'not-modified') throw new Error(outcome.kind);
    const names = outcome.entry.headers.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names).not.toEqual(expect.arrayContaining(['set-cookie']));
    expect(names).not.toContain('content-length');
    expect(names).not.toContain('connection');
  });

  it('§4.3.3 a full response replaces the entry', () => {
    expect(applyRevalidation(GET, entry, { status: 200, headers: ['ETag', '"v2"'] }, { now: AT })).toEqual({ kind: 'modified' });
  });

  it.each<[string, string[], number, string]>([
    ['RFC 5861 §4 a 5xx within stale-if-error serves the stored response', ['Cache-Control', 'max-age=60, stale-if-error=300'], 503, 'stale-if-error'],
    ['RFC 5861 §4 a 5xx past stale-if-error is passed on', ['Cache-Control', 'max-age=60, stale-if-error=30'], 503, 'modified'],
    ['RFC 5861 §4 a 5xx without stale-if-error is passed on', ['Cache-Control', 'max-age=60'], 502, 'modified'],
    [
      'RFC 9111 §4.2.4 must-revalidate forbids serving stale on error',
      ['Cache-Control', 'max-age=60, stale-if-error=300, must-revalidate'],
      500,
      'modified',
    ],
  ])('%s', (_title, fields, status, expected) => {
    expect(applyRevalidation(GET, stored(fields), { status, headers: [] }, { now: AT }).kind).toBe(expected);
  });

  it.each<[string, string[], string[], string]>([
    ['§4.3.3 a 5xx without freshness to a fresh entry: served from the cache', ['Cache-Control', 'max-age=600'], [], 'stale-if-error'],
    ['§4.3.3 a 5xx with max-age replaces a fresh entry', ['Cache-Control', 'max-age=600'], ['Cache-Control', 'max-age=60'], 'modified'],
    ['§4.3.3 a 5xx with Expires replaces a fresh entry', ['Cache-Control', 'max-age=600'], ['Expires', new Date(AT + 60_000).toUTCString()], 'modified'],
    [
      'RFC 5861 §4 stale-if-error still masks a 5xx with max-age',
      ['Cache-Control', 'max-age=60, stale-if-error=300'],
      ['Cache-Control', 'max-age=60'],
      'stale-if-error',
    ],
  ])('%s', (_title, fields, answer, expected) => {
    expect(applyRevalidation(GET, stored(fields), { status: 503, headers: answer }, { now: AT }).kind).toBe(expected);
  });
});

describe('staleIfError (RFC 5861 §4)', () => {
  it.each<[string, string[], boolean]>([
    ['within the window', ['Cache-Control', 'max-age=60, stale-if-error=300'], true],
    ['past the window', ['Cache-Control', 'max-age=60, stale-if-error=30'], false],
    ['without the directive', ['Cache-Control', 'max-age=60'], false],
    ['never with no-cache', ['Cache-Control', 'no-cache, stale-if-error=300', 'ETag', '"v"'], false],
    ['never with proxy-revalidate', ['Cache-Control', 'max-age=60, stale-if-error=300, proxy-revalidate'], false],
  ])('when the backend fails: %s → %s', (_title, fields, expected) => {
    expect(staleIfError(GET, stored(fields), AT)).toBe(expected);
  });
});

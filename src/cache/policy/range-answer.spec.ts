import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { ifRangeHolds, rangeAnswer } from './range-answer.js';

const LAST_MODIFIED = 'Sat, 28 Feb 2026 12:00:00 GMT';
const DATE = 'Sun, 01 Mar 2026 12:00:00 GMT';
const BODY = Buffer.from('0123456789'.repeat(100));

function entry(headers: string[], status = 200, body = BODY): CachedResponse {
  return { status, reason: '', headers, policy: {} as CachedResponse['policy'], body, storedAt: Date.parse(DATE) };
}

const stored = entry([
  'Date', DATE, 'Content-Type', 'text/plain', 'Content-Length', '1000', 'ETag', '"v1"',
  'Last-Modified', LAST_MODIFIED, 'Cache-Control', 'max-age=60', 'Content-Digest', 'sha-256=:x:',
]);

describe('rangeAnswer (RFC 9110 §14.2, §15.3.7, §15.5.17)', () => {
  it('answers one range with a 206 whose fields say which part and how long', () => {
    const answer = rangeAnswer(stored, 'GET', { range: 'bytes=0-99' });
    expect(answer).toEqual({
      kind: 'partial',
      range: { start: 0, end: 99 },
      fields: [
        'Date', DATE, 'Content-Type', 'text/plain', 'ETag', '"v1"', 'Last-Modified', LAST_MODIFIED,
        'Cache-Control', 'max-age=60', 'Content-Range', 'bytes 0-99/1000', 'Content-Length', '100',
      ],
    });
  });

  it.each<[string, number, number, string]>([
    ['bytes=100-', 100, 999, 'bytes 100-999/1000'],
    ['bytes=-500', 500, 999, 'bytes 500-999/1000'],
    ['bytes=999-999', 999, 999, 'bytes 999-999/1000'],
    ['bytes=0-0', 0, 0, 'bytes 0-0/1000'],
    ['bytes=900-5000', 900, 999, 'bytes 900-999/1000'],
  ])('%s → %i-%i', (range, start, end, header) => {
    const answer = rangeAnswer(stored, 'GET', { range });
    if (answer.kind !== 'partial') throw new Error(`expected a partial answer, got ${answer.kind}`);
    expect(answer.range).toEqual({ start, end });
    expect(answer.fields.slice(-4)).toEqual(['Content-Range', header, 'Content-Length', String(end - start + 1)]);
  });

  it('answers an unsatisfiable range with a 416 that names the complete length only', () => {
    expect(rangeAnswer(stored, 'GET', { range: 'bytes=1000-' })).toEqual({
      kind: 'unsatisfiable',
      fields: ['Content-Range', 'bytes */1000', 'Content-Length', '0'],
    });
    expect(rangeAnswer(stored, 'GET', { range: 'bytes=-0' }).kind).toBe('unsatisfiable');
  });

  it.each<[string, string, IncomingHttpHeaders, CachedResponse?]>([
    ['no Range', 'GET', {}],
    ['an invalid Range', 'GET', { range: 'bytes=5-1' }],
    ['an unknown unit', 'GET', { range: 'pages=1-2' }],
    ['HEAD: range handling is defined for GET only', 'HEAD', { range: 'bytes=0-1' }],
    ['a stored 404', 'GET', { range: 'bytes=0-1' }, entry([], 404)],
    ['several ranges that do not coalesce', 'GET', { range: 'bytes=0-1,10-11' }],
    ['If-Range with another tag', 'GET', { range: 'bytes=0-1', 'if-range': '"v2"' }],
    ['If-Range with a weak tag', 'GET', { range: 'bytes=0-1', 'if-range': 'W/"v1"' }],
    ['If-Range with another date', 'GET', { range: 'bytes=0-1', 'if-range': DATE }],
  ])('serves the whole response for %s', (_why, method, headers, from = stored) => {
    expect(rangeAnswer(from, method, headers)).toEqual({ kind: 'whole' });
  });

  it.each<[string, IncomingHttpHeaders]>([
    ['If-Range with the stored strong tag', { range: 'bytes=0-1', 'if-range': '"v1"' }],
    ['If-Range with the stored Last-Modified', { range: 'bytes=0-1', 'if-range': LAST_MODIFIED }],
    ['overlapping ranges, coalesced', { range: 'bytes=0-1, 1-1, 0-0' }],
  ])('serves a part for %s', (_why, headers) => {
    expect(rangeAnswer(stored, 'GET', headers)).toMatchObject({ kind: 'partial', range: { start: 0, end: 1 } });
  });

  it('serves the whole of an empty body for a suffix range (no 206 can describe it)', () => {
    expect(rangeAnswer(entry([], 200, Buffer.alloc(0)), 'GET', { range: 'bytes=-5' })).toEqual({ kind: 'whole' });
    expect(rangeAnswer(entry([], 200, Buffer.alloc(0)), 'GET', { range: 'bytes=0-' }).kind).toBe('unsatisfiable');
  });
});

describe('ifRangeHolds (RFC 9110 §13.1.5)', () => {
  it.each<[string, string[], string, boolean]>([
    ['equal strong tags', ['ETag', '"v1"'], '"v1"', true],
    ['surrounding whitespace', ['ETag', ' "v1" '], ' "v1"', true],
    ['a weak stored tag never matches strongly', ['ETag', 'W/"v1"'], 'W/"v1"', false],
    ['a weak tag against a strong one', ['ETag', '"v1"'], 'W/"v1"', false],
    ['a tag when none is stored', ['Last-Modified', LAST_MODIFIED, 'Date', DATE], '"v1"', false],
    ['the stored Last-Modified, a day before Date', ['Last-Modified', LAST_MODIFIED, 'Date', DATE], LAST_MODIFIED, true],
    ['the same instant in another date format', ['Last-Modified', LAST_MODIFIED, 'Date', DATE], 'Saturday, 28-Feb-26 12:00:00 GMT', true],
    ['Last-Modified less than a second before Date is weak', ['Last-Modified', DATE, 'Date', DATE], DATE, false],
    ['a date without a stored Date', ['Last-Modified', LAST_MODIFIED], LAST_MODIFIED, false],
    ['a later date', ['Last-Modified', LAST_MODIFIED, 'Date', DATE], DATE, false],
    ['an unparseable value', ['Last-Modified', LAST_MODIFIED, 'Date', DATE], 'yesterday', false],
  ])('%s → %s', (_why, headers, value, expected) => {
    expect(ifRangeHolds(value, entry(headers))).toBe(expected);
  });
});

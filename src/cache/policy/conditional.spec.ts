import type { IncomingHttpHeaders } from 'node:http';
import type { CachedResponse } from './cache-entry.js';
import { clientHasCurrent, notModifiedFields } from './conditional.js';

const STORED_AT = Date.parse('2026-03-01T12:00:00Z');

function entry(headers: string[], status = 200): CachedResponse {
  return { status, reason: '', headers, policy: {} as CachedResponse['policy'], body: Buffer.alloc(0), storedAt: STORED_AT };
}

describe('clientHasCurrent (RFC 9111 §4.3.2)', () => {
  const tagged = entry(['ETag', '"v1"', 'Last-Modified', 'Sat, 28 Feb 2026 12:00:00 GMT']);

  it.each<[string, CachedResponse, IncomingHttpHeaders, boolean]>([
    ['If-None-Match with the stored tag', tagged, { 'if-none-match': '"v1"' }, true],
    ['If-None-Match among several tags', tagged, { 'if-none-match': '"a", "v1"' }, true],
    ['If-None-Match compares weakly (RFC 9110 §13.1.2)', tagged, { 'if-none-match': 'W/"v1"' }, true],
    ['If-None-Match: * matches any stored response', tagged, { 'if-none-match': '*' }, true],
    ['If-None-Match with another tag', tagged, { 'if-none-match': '"v2"' }, false],
    ['If-None-Match wins over If-Modified-Since', tagged, { 'if-none-match': '"v2"', 'if-modified-since': 'Sun, 01 Mar 2026 12:00:00 GMT' }, false],
    ['If-None-Match without a stored ETag', entry(['X', '1']), { 'if-none-match': '"v1"' }, false],
    ['If-Modified-Since after Last-Modified', tagged, { 'if-modified-since': 'Sun, 01 Mar 2026 12:00:00 GMT' }, true],
    ['If-Modified-Since equal to Last-Modified', tagged, { 'if-modified-since': 'Sat, 28 Feb 2026 12:00:00 GMT' }, true],
    ['If-Modified-Since before Last-Modified', tagged, { 'if-modified-since': 'Fri, 27 Feb 2026 12:00:00 GMT' }, false],
    ['If-Modified-Since falls back to Date', entry(['Date', 'Sat, 28 Feb 2026 12:00:00 GMT']), { 'if-modified-since': 'Sat, 28 Feb 2026 13:00:00 GMT' }, true],
    ['If-Modified-Since falls back to the storage time', entry([]), { 'if-modified-since': 'Sun, 01 Mar 2026 11:00:00 GMT' }, false],
    ['an unparseable If-Modified-Since is ignored', tagged, { 'if-modified-since': 'yesterday' }, false],
    ['no conditionals', tagged, {}, false],
    ['only a stored 200 answers conditionals', entry(['ETag', '"v1"'], 404), { 'if-none-match': '"v1"' }, false],
  ])('%s', (_title, stored, headers, expected) => {
    expect(clientHasCurrent(stored, headers)).toBe(expected);
  });
});

describe('clientHasCurrent: If-Modified-Since without Last-Modified (RFC 9111 §4.3.2)', () => {
  const DATE = 'Sun, 01 Mar 2026 12:00:00 GMT';
  const at = (headers: string[], storedAt: number, receivedAt?: number): CachedResponse => ({
    ...entry(headers),
    storedAt,
    policy: { t: receivedAt } as CachedResponse['policy'],
  });
  const ims = (value: string): IncomingHttpHeaders => ({ 'if-modified-since': value });

  it.each<[string, CachedResponse, IncomingHttpHeaders, boolean]>([
    ['the stored Date equal to the client\'s date', at(['Date', DATE], STORED_AT), ims(DATE), true],
    ['the stored Date after it', at(['Date', DATE], STORED_AT), ims('Sun, 01 Mar 2026 11:59:59 GMT'), false],
    ['an invalid Last-Modified falls back to Date', at(['Last-Modified', 'today', 'Date', DATE], STORED_AT), ims(DATE), true],
    ['an obsolete asctime If-Modified-Since is read (RFC 9110 §5.6.7)', at(['Date', DATE], STORED_AT), ims('Sun Mar  1 12:00:00 2026'), true],
    ['an If-Modified-Since that is no HTTP-date is ignored (RFC 9110 §13.1.3)', at(['Date', DATE], STORED_AT), ims('Sun, 01 Mar 2026 12:00:00 UTC'), false],
    ['two dates as a list are ignored', at(['Date', DATE], STORED_AT), ims(`${DATE}, ${DATE}`), false],
    [
      'regression: without Date, the receipt time counts in whole seconds',
      at([], STORED_AT + 700),
      ims(DATE),
      true,
    ],
    [
      'without Date, the time the head arrived counts, not when the body ended',
      at([], STORED_AT + 1_200, STORED_AT + 900),
      ims(DATE),
      true,
    ],
    ['without Date, a client date before receipt is not current', at([], STORED_AT + 700), ims('Sun, 01 Mar 2026 11:59:59 GMT'), false],
  ])('%s', (_title, stored, headers, expected) => {
    expect(clientHasCurrent(stored, headers)).toBe(expected);
  });
});

describe('notModifiedFields (RFC 9110 §15.4.5)', () => {
  it('keeps only what a 304 carries, in stored order and spelling', () => {
    const stored = entry([
      'Date', 'd', 'Content-Type', 'text/html', 'ETag', '"v"', 'Content-Length', '5',
      'cache-control', 'max-age=1', 'Vary', 'Accept', 'Expires', 'e', 'Content-Location', '/x', 'X-Other', 'o',
    ]);
    expect(notModifiedFields(stored)).toEqual([
      'Date', 'd', 'ETag', '"v"', 'cache-control', 'max-age=1', 'Vary', 'Accept', 'Expires', 'e', 'Content-Location', '/x',
    ]);
  });
});

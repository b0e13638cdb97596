import { relayableTrailers, writableField } from './trailer-fields.js';

describe('relayableTrailers (RFC 9110 §6.5.1)', () => {
  it('keeps the fields a trailer section may carry, in order, spelling and repetition', () => {
    const fields: Array<[string, string]> = [
      ['X-Checksum', 'sha-1'],
      ['Server-Timing', 'db;dur=5'],
      ['grpc-status', '0'],
      ['Server-Timing', 'app;dur=7'],
    ];
    expect(relayableTrailers(fields)).toEqual(fields);
  });

  it.each([
    'Content-Length',
    'transfer-encoding',
    'Trailer',
    'Host',
    'Authorization',
    'Set-Cookie',
    'Cache-Control',
    'Content-Type',
    'Content-Encoding',
    'Connection',
    'Location',
    'Vary',
  ])('drops %s, which a recipient reads from the header section only', (name) => {
    expect(relayableTrailers([[name, 'x'], ['X-Kept', 'y']])).toEqual([['X-Kept', 'y']]);
  });

  it('drops a field that cannot be written on HTTP/1.1 as it is', () => {
    expect(relayableTrailers([['X-Bad', 'a\r\nInjected: 1'], ['Bad Name', 'x'], ['', 'x'], ['X-Ok', '\u00e9 ok']])).toEqual([['X-Ok', '\u00e9 ok']]);
  });

  it.each<[string, string, boolean]>([
    ['Link', '</a.css>; rel=preload', true],
    ['x-tab', 'a\tb', true],
    ['x-nul', 'a\u0000b', false],
    ['x-lf', 'a\nb', false],
    ['x:colon', 'v', false],
  ])('writableField(%j, %j) is %s', (name, value, ok) => {
    expect(writableField(name, value)).toBe(ok);
  });
});

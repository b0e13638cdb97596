import type { IncomingHttpHeaders } from 'node:http';
import { parseVary, secondaryKey, varySelector } from './vary.js';

describe('parseVary (RFC 9110 §12.5.5)', () => {
  it.each<[string | string[] | undefined, string[] | '*']>([
    [undefined, []],
    [[], []],
    ['', []],
    ['Accept-Encoding', ['accept-encoding']],
    ['Accept-Encoding, User-Agent', ['accept-encoding', 'user-agent']],
    ['user-agent,ACCEPT-ENCODING', ['accept-encoding', 'user-agent']],
    [['Accept-Encoding', 'Accept-Language'], ['accept-encoding', 'accept-language']],
    ['Accept, accept , ,Accept', ['accept']],
    ['*', '*'],
    ['Accept, *', '*'],
    [['Accept', '*'], '*'],
  ])('Vary %j → %j', (value, expected) => {
    const vary = parseVary(value);
    if (expected === '*') expect(vary).toEqual({ wildcard: true });
    else expect(vary).toEqual({ wildcard: false, names: expected });
  });
});

describe('varySelector and secondaryKey (RFC 9111 §4.1)', () => {
  const names = ['accept-encoding', 'accept-language'];
  const key = (headers: IncomingHttpHeaders) => secondaryKey(names, headers);

  it.each<[string, IncomingHttpHeaders, IncomingHttpHeaders]>([
    ['surrounding whitespace is not part of a value', { 'accept-encoding': ' gzip ' }, { 'accept-encoding': 'gzip' }],
    [
      'repeated fields join like one list',
      { 'accept-encoding': ['gzip', ' br'] } as unknown as IncomingHttpHeaders,
      { 'accept-encoding': 'gzip, br' },
    ],
    ['fields Vary does not name are ignored', { 'accept-encoding': 'gzip', cookie: 'a=1' }, { 'accept-encoding': 'gzip' }],
    ['equivalent values are normalised first (vary-values.ts)', { 'accept-language': 'EN-us, de;q=1.0' }, { 'accept-language': 'en-US,de' }],
  ])('same key: %s', (_why, a, b) => {
    expect(key(a)).toBe(key(b));
  });

  it.each<[string, IncomingHttpHeaders, IncomingHttpHeaders]>([
    ['absent is not the empty string', {}, { 'accept-encoding': '' }],
    ['different values', { 'accept-encoding': 'gzip' }, { 'accept-encoding': 'br' }],
    ['order of equally weighted codings matters', { 'accept-encoding': 'gzip,br' }, { 'accept-encoding': 'br,gzip' }],
    ['a value cannot pose as another field', { 'accept-encoding': 'x","accept-language' }, { 'accept-encoding': 'x' }],
    ['which field holds the value matters', { 'accept-encoding': 'x' }, { 'accept-language': 'x' }],
  ])('different keys: %s', (_why, a, b) => {
    expect(key(a)).not.toBe(key(b));
  });

  it('is readable before hashing and never holds the values after', () => {
    const headers = { 'accept-encoding': 'gzip' };
    expect(varySelector(names, headers)).toBe('[["accept-encoding","gzip"],["accept-language",null]]');
    const digest = key({ 'accept-encoding': 'secret-token' });
    expect(digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(digest).not.toContain('secret');
  });
});

import { parseSfDictionary } from './sf-dictionary.js';
import { freshnessControl } from './targeted-cache-control.js';

describe('freshnessControl (RFC 9213 §2.1)', () => {
  it.each<[string, string[], string, string | undefined, boolean]>([
    ['no fields', [], 'cache-control', undefined, true],
    ['Cache-Control only', ['Cache-Control', 'max-age=60'], 'cache-control', 'max-age=60', true],
    [
      'repeated Cache-Control lines combine',
      ['Cache-Control', 'public', 'cache-control', 'max-age=60'],
      'cache-control',
      'public, max-age=60',
      true,
    ],
    [
      '§3.1 CDN-Cache-Control replaces Cache-Control',
      ['Cache-Control', 'max-age=60, s-maxage=120', 'CDN-Cache-Control', 'max-age=600'],
      'cdn-cache-control',
      'max-age=600',
      false,
    ],
    [
      '§3.1 a CDN may store what other caches may not',
      ['CDN-Cache-Control', 'max-age=600', 'Cache-Control', 'no-store'],
      'cdn-cache-control',
      'max-age=600',
      false,
    ],
    [
      '§3.1 an unknown directive ("none") still makes the field valid and non-empty',
      ['Cache-Control', 'no-store', 'CDN-Cache-Control', 'none'],
      'cdn-cache-control',
      'none',
      false,
    ],
    [
      'repeated targeted lines combine as one dictionary',
      ['CDN-Cache-Control', 'max-age=600', 'cdn-cache-control', 'stale-while-revalidate=30'],
      'cdn-cache-control',
      'max-age=600, stale-while-revalidate=30',
      false,
    ],
    [
      '§2.1 an empty targeted field is ignored',
      ['CDN-Cache-Control', '', 'Cache-Control', 'max-age=5'],
      'cache-control',
      'max-age=5',
      true,
    ],
    [
      '§2.1 a targeted field that fails to parse is ignored (keys are lowercase)',
      ['CDN-Cache-Control', 'Max-Age=600', 'Cache-Control', 'max-age=5'],
      'cache-control',
      'max-age=5',
      true,
    ],
    [
      '§2.1 a trailing comma fails the whole field',
      ['CDN-Cache-Control', 'max-age=600,', 'Cache-Control', 'max-age=5'],
      'cache-control',
      'max-age=5',
      true,
    ],
  ])('%s', (_title, raw, source, cacheControl, legacyFieldsApply) => {
    expect(freshnessControl(raw)).toEqual({ source, cacheControl, legacyFieldsApply });
  });

  it.each<[string, string | undefined]>([
    ['max-age=600', 'max-age=600'],
    ['no-store', 'no-store'],
    ['no-store=?0, max-age=5', 'max-age=5'],
    ['must-revalidate, max-age=5', 'must-revalidate, max-age=5'],
    // Values that violate a directive's type are not consumed.
    ['max-age=1.5', undefined],
    ['max-age="600"', undefined],
    ['max-age=-1', undefined],
    ['max-age=60.0', undefined],
    ['max-age=60.0, max-age=60', 'max-age=60'],
    ['max-age=60;unit=s', 'max-age=60'],
    ['no-store="yes"', undefined],
    ['private="set-cookie"', 'private="set-cookie"'],
    ['no-cache, private', 'no-cache, private'],
    ['no-cache=token', undefined],
    // Extensions pass through with their values.
    ['ext=tok, other="a \\"b\\"", n=2.5', 'ext=tok, other="a \\"b\\"", n=2.5'],
    ['b=:AQID:, l=(1 2)', undefined],
  ])('§2.1 CDN-Cache-Control: %s → Cache-Control %s', (value, expected) => {
    expect(freshnessControl(['CDN-Cache-Control', value]).cacheControl).toBe(expected);
  });
});

describe('parseSfDictionary (RFC 8941 §4.2.2)', () => {
  it.each([
    ['a=1, b=2', { a: 1, b: 2 }],
    [' a=1 ,\tb ', { a: 1, b: true }],
    ['a=?0', { a: false }],
    ['a=1, a=2', { a: 2 }],
    ['a="x\\\\y"', { a: 'x\\y' }],
    ['*a=tok/en:x', { '*a': 'tok/en:x' }],
    ['a;p=1;q, b=2;r="s"', { a: true, b: 2 }],
    ['a=123456789012345', { a: 123456789012345 }],
    ['a=-1.125', { a: -1.125 }],
    ['a="@ %\\"x\\""', { a: '@ %"x"' }],
  ])('parses %j', (text, expected) => {
    const parsed = parseSfDictionary(text);
    expect(parsed && Object.fromEntries([...parsed].map(([k, v]) => [k, 'value' in v ? v.value : v.type]))).toEqual(
      expected,
    );
  });

  it.each([
    'A=1',
    'a=1,',
    'a=1,,b=2',
    'a=',
    'a=1 b=2',
    'a="unterminated',
    'a="bad \\x escape"',
    'a=?2',
    'a=1234567890123456',
    'a=1.1234',
    'a=(1 2',
    'a=:abc',
    '1a=1',
    'a=é',
    // RFC 9651 types are not RFC 8941's, even on a member a repeated key overwrites.
    'a=@1',
    'a=%"x"',
    'a, b;p=@1',
    'a=%"x", a=1',
    // RFC 8941 §4.2.7: parsing fails when base64 decoding does.
    'a=:a:',
  ])('fails on %j', (text) => {
    expect(parseSfDictionary(text)).toBeUndefined();
  });

  it('an empty value is an empty dictionary', () => {
    expect(parseSfDictionary('')?.size).toBe(0);
    expect(parseSfDictionary('   ')?.size).toBe(0);
  });
});

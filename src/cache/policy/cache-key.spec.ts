import { cacheKey, keyOrigin, normalizeAuthority, normalizeTarget } from './cache-key.js';

describe('cacheKey (RFC 9111 §2, RFC 3986 §6.2.2)', () => {
  it.each([
    ['http', 'example.com', '/', 'http://example.com/'],
    ['HTTP', 'Example.COM', '/a', 'http://example.com/a'],
    ['https', 'example.com:443', '/a', 'https://example.com/a'],
    ['http', 'example.com:80', '/a', 'http://example.com/a'],
    ['http', 'example.com:443', '/a', 'http://example.com:443/a'],
    ['https', 'example.com:80', '/a', 'https://example.com:80/a'],
    ['http', 'example.com:8080', '/a', 'http://example.com:8080/a'],
    ['http', 'example.com:08080', '/a', 'http://example.com:8080/a'],
    ['http', 'example.com:', '/a', 'http://example.com/a'],
    ['http', 'example.com.', '/a', 'http://example.com/a'],
    ['http', 'example.com.:8080', '/a', 'http://example.com:8080/a'],
    ['http', '[::1]:8080', '/a', 'http://[::1]:8080/a'],
    ['http', '[FE80::1]', '/a', 'http://[fe80::1]/a'],
    ['http', '10.0.0.1:80', '/a', 'http://10.0.0.1/a'],
  ])('§6.2.3 scheme %s, host %s, target %s → %s', (scheme, host, target, key) => {
    expect(cacheKey(scheme, host, target)).toBe(key);
  });

  it.each([
    ['/a%2fb', '/a%2Fb'],
    ['/a%2Fb', '/a%2Fb'],
    ['/%e2%82%ac', '/%E2%82%AC'],
    ['/a?x=%3d&y=1', '/a?x=%3D&y=1'],
    // Nothing decoded: an unreserved character and its escape stay different keys.
    ['/%41', '/%41'],
    ['/A', '/A'],
    // Dot segments and empty segments are the backend's business.
    ['/a/../b', '/a/../b'],
    ['/a//b', '/a//b'],
    // Query order, empty query and repeated parameters are kept as sent.
    ['/a?b=1&a=2', '/a?b=1&a=2'],
    ['/a?', '/a?'],
    ['/a?x=1&x=1', '/a?x=1&x=1'],
    // A broken escape is left alone.
    ['/a%zz%4', '/a%zz%4'],
    // A fragment is not part of the target.
    ['/a#frag', '/a'],
    ['/a?q#frag', '/a?q'],
  ])('§6.2.2.1 path and query %s → %s', (target, normalized) => {
    expect(normalizeTarget(target)).toBe(normalized);
  });

  it('§2 never lets two hosts share a key for the same path', () => {
    const a = cacheKey('http', 'a.example.com', '/same');
    const b = cacheKey('http', 'b.example.com', '/same');
    const c = cacheKey('http', 'a.example.com:8080', '/same');
    const d = cacheKey('https', 'a.example.com', '/same');
    expect(new Set([a, b, c, d]).size).toBe(4);
  });

  it('keeps case in the path: paths are case-sensitive (§6.2.2.1)', () => {
    expect(cacheKey('http', 'h', '/A')).not.toBe(cacheKey('http', 'h', '/a'));
  });

  it.each([
    ['ftp', 'example.com', '/a'],
    ['http', undefined, '/a'],
    ['http', '', '/a'],
    ['http', 'exa mple.com', '/a'],
    ['http', 'example.com:99999', '/a'],
    ['http', 'example.com:80:80', '/a'],
    ['http', 'user@example.com', '/a'],
    ['http', 'example.com', '*'],
    ['http', 'example.com', 'http://example.com/a'],
    ['http', 'example.com', '/a\nb'],
  ])('refuses scheme %s, host %s, target %s', (scheme, host, target) => {
    expect(cacheKey(scheme, host, target)).toBeUndefined();
  });

  it('normalizeAuthority keeps a non-default port and drops a default one', () => {
    expect(normalizeAuthority('https', 'x:443')).toBe('x');
    expect(normalizeAuthority('https', 'x:8443')).toBe('x:8443');
  });

  it.each([
    ['https://example.com/a?b', 'https://example.com'],
    ['http://example.com:8080/', 'http://example.com:8080'],
  ])('keyOrigin(%s) = %s', (key, origin) => {
    expect(keyOrigin(key)).toBe(origin);
  });
});

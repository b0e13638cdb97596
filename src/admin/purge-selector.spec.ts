import { hostPrefixPasses, isCacheHost, primaryKeyOfUrl, urlPass, type PurgePass } from './purge-selector.js';

const matches = (passes: PurgePass[], key: string): boolean =>
  passes.some((pass) => key.startsWith(pass.keyPrefix) && pass.match(key));

describe('primaryKeyOfUrl', () => {
  it.each([
    ['http://Example.COM/p?q=1', 'http://example.com/p?q=1'],
    ['http://example.com:80/p', 'http://example.com/p'],
    ['https://example.com:443', 'https://example.com/'],
    ['https://example.com:8443/a%2fb', 'https://example.com:8443/a%2Fb'],
    ['http://example.com?x', 'http://example.com/?x'],
    ['http://example.com/a/../b#frag', 'http://example.com/a/../b'], // as received, not resolved
    ['HTTP://h/', 'http://h/'],
  ])('%s → %s (the key the proxy computes)', (url, key) => {
    expect(primaryKeyOfUrl(url)).toBe(key);
  });

  it.each(['', '/p', 'example.com/p', 'ftp://example.com/', 'http:///p', 'http://user@h/p', 'http://h/p\nx', 'http://h:99999/'])(
    '%j is not a cacheable URL',
    (url) => {
      expect(primaryKeyOfUrl(url)).toBeUndefined();
    },
  );
});

describe('urlPass', () => {
  const pass = urlPass('http://h.test/p?q');
  it.each([
    ['http://h.test/p?q', true],
    ['http://h.test/p?q\ngen.selector', true], // its Vary variants
    ['http://h.test/p?q2', false],
    ['http://h.test/p', false],
    ['https://h.test/p?q', false],
  ])('%j → %s', (key, expected) => {
    expect(matches([pass], key)).toBe(expected);
  });
});

describe('hostPrefixPasses', () => {
  it.each<[string, string | undefined, string, boolean]>([
    ['h.test', '/p', 'http://h.test/p', true],
    ['h.test', '/p', 'https://h.test/p/x', true],
    ['h.test', '/p', 'http://h.test/p?x=1', true],
    ['h.test', '/p', 'http://h.test/p\ngen.sel', true],
    ['h.test', '/p', 'http://h.test/px', false],
    ['h.test', '/p', 'http://h.test/', false],
    ['h.test', '/p', 'http://other.test/p', false],
    ['h.test', '/p', 'http://h.test.evil/p', false],
    ['h.test', '/p', 'http://h.test:8080/p', false],
    ['H.TEST:80', '/p', 'http://h.test/p', true],
    ['h.test:8080', '/', 'http://h.test:8080/anything', true],
    ['h.test', undefined, 'http://h.test/anything?q', true],
    ['h.test', '/p/', 'http://h.test/p/x', true],
    ['h.test', '/p/', 'http://h.test/p', false],
    ['h.test', '/a%2fb', 'http://h.test/a%2Fb/c', true],
  ])('host %j prefix %j: %j → %s', (host, prefix, key, expected) => {
    expect(matches(hostPrefixPasses(host, prefix), key)).toBe(expected);
  });
});

describe('isCacheHost', () => {
  it.each(['h.test', 'H.test:8080', '127.0.0.1', '[::1]:80', 'localhost'])('%j is a host', (host) => {
    expect(isCacheHost(host)).toBe(true);
  });
  it.each(['', 'h test', 'h/p', 'h:99999', 'h?x'])('%j is not', (host) => {
    expect(isCacheHost(host)).toBe(false);
  });
});

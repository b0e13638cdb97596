import { PrefixIndex } from './prefix-index.js';

function indexOf(...prefixes: string[]): PrefixIndex<string> {
  const index = new PrefixIndex<string>();
  for (const prefix of prefixes) index.set(prefix, prefix);
  return index;
}

describe('PrefixIndex.match', () => {
  it.each<[string[], string, string | undefined]>([
    [['/'], '/', '/'],
    [['/'], '/anything/at/all', '/'],
    [['/api'], '/api', '/api'],
    [['/api'], '/api/', '/api'],
    [['/api'], '/api/x', '/api'],
    [['/api'], '/api/x/y/', '/api'],
    [['/api'], '/apix', undefined],
    [['/api'], '/ap', undefined],
    [['/api'], '/', undefined],
    [['/api'], '/API', undefined], // paths are case-sensitive
    [['/api', '/'], '/apix', '/'],
    [['/api', '/api/v1'], '/api/v1/users', '/api/v1'],
    [['/api', '/api/v1'], '/api/v10', '/api'],
    [['/api', '/api/v1'], '/api/v', '/api'],
    [['/a/b/c', '/a'], '/a/b', '/a'],
    [['/a/b/c', '/a'], '/a/b/c', '/a/b/c'],
    [['/a/b/c', '/a'], '/a/b/cd', '/a'],
    [['/api'], '/api//x', '/api'],
    [['/'], '', '/'],
    [['/api'], '', undefined],
    [['/%7Euser'], '/%7Euser/x', '/%7Euser'],
  ])('%j matches %j → %j', (prefixes, path, expected) => {
    expect(indexOf(...prefixes).match(path)).toBe(expected);
  });

  it('ignores path segments deeper than the longest prefix, whatever the path length', () => {
    const index = indexOf('/a', '/a/b');
    const deep = '/a/b' + '/x'.repeat(10_000);
    expect(index.match(deep)).toBe('/a/b');
    expect(index.match('/a/bx' + '/x'.repeat(10_000))).toBe('/a');
  });

  it('shrinks its bound when the longest prefix goes, and still matches', () => {
    const index = indexOf('/a', '/a/b/c');
    expect(index.delete('/a/b/c')).toBe(true);
    expect(index.delete('/a/b/c')).toBe(false);
    expect(index.match('/a/b/c/d')).toBe('/a');
    index.set('/a/b/c', '/a/b/c');
    expect(index.match('/a/b/c/d')).toBe('/a/b/c');
  });
});

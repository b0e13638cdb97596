import type { KeyRule } from '../config/key-rule.js';
import { findKeyRule, mayClaim } from './key-rules.js';

const rule = (id: string, key: string, hosts = ['.*'], paths = ['.*']): KeyRule => ({ id, key, hosts, paths });

describe('findKeyRule', () => {
  const team = rule('team', 'team-key-123');
  const ops = rule('ops', 'ops-key-456');
  const rules = [team, ops];

  it('finds the rule whose key is presented', () => {
    expect(findKeyRule(rules, 'team-key-123')).toBe(team);
    expect(findKeyRule(rules, 'ops-key-456')).toBe(ops);
  });

  it('finds nothing for a wrong key', () => {
    expect(findKeyRule(rules, 'team-key-124')).toBeUndefined();
    expect(findKeyRule(rules, '')).toBeUndefined();
  });

  it('finds nothing for a similar key of a different length', () => {
    expect(findKeyRule(rules, 'team-key-12')).toBeUndefined();
    expect(findKeyRule(rules, 'team-key-1234')).toBeUndefined();
  });

  it('finds nothing without rules', () => {
    expect(findKeyRule([], 'team-key-123')).toBeUndefined();
  });
});

describe('mayClaim', () => {
  const wildcard = rule('w', 'k', ['.*\\.example\\.com'], ['/api(/.*)?']);

  it.each([
    ['api.example.com', '/api'],
    ['*.example.com', '/api'],
    ['API.Example.COM', '/api/v2'],
  ])('allows host %s path %s', (host, path) => {
    expect(mayClaim(wildcard, { host, path })).toBe(true);
  });

  it.each([
    ['example.com.evil.net', '/api', 'a host that only contains the pattern'],
    ['example.com', '/api', 'a host the pattern does not reach'],
    ['evil.net', '/api', 'another host'],
    ['api.example.com', '/apix', 'a path that only starts with the pattern'],
    ['api.example.com', '/x/api', 'a path that only ends with the pattern'],
    ['api.example.com', '/API', 'a path in another case'],
    ['*', '/api', 'the any-host pattern'],
  ])('refuses host %s path %s (%s)', (host, path) => {
    expect(mayClaim(wildcard, { host, path })).toBe(false);
  });

  it('anchors alternations as a whole', () => {
    const either = rule('e', 'k', ['a\\.com|b\\.com']);
    expect(mayClaim(either, { host: 'b.com', path: '/' })).toBe(true);
    expect(mayClaim(either, { host: 'a.com.evil.net', path: '/' })).toBe(false);
    expect(mayClaim(either, { host: 'evil.b.com', path: '/' })).toBe(false);
  });

  it('allows anything with the default patterns', () => {
    const any = rule('any', 'k');
    expect(mayClaim(any, { host: '*', path: '/' })).toBe(true);
    expect(mayClaim(any, { host: 'x.y.z', path: '/deep/path' })).toBe(true);
  });

  it('needs both a host and a path match', () => {
    const two = rule('two', 'k', ['a\\.com', 'b\\.com'], ['/one', '/two']);
    expect(mayClaim(two, { host: 'b.com', path: '/one' })).toBe(true);
    expect(mayClaim(two, { host: 'c.com', path: '/one' })).toBe(false);
    expect(mayClaim(two, { host: 'a.com', path: '/three' })).toBe(false);
  });

  it('answers the same on repeated calls (compiled once, no regex state)', () => {
    const route = { host: 'api.example.com', path: '/api' };
    expect([1, 2, 3].map(() => mayClaim(wildcard, route))).toEqual([true, true, true]);
  });
});

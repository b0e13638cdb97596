import { appendCacheStatus, formatCacheStatus, type CacheStatus } from './cache-status.js';

describe('formatCacheStatus (RFC 9211 §2)', () => {
  it.each<[string, CacheStatus, string]>([
    ['§2.1 a fresh hit', { hit: true, ttl: 376 }, 'HARP; hit; ttl=376'],
    ['§2.1 the most minimal hit', { hit: true }, 'HARP; hit'],
    ['§2.4 a stale hit has a negative ttl', { hit: true, ttl: -412, detail: 'stale' }, 'HARP; hit; ttl=-412; detail=stale'],
    ['§2.4 ttl is rounded down to whole seconds', { hit: true, ttl: 59.9 }, 'HARP; hit; ttl=59'],
    ['§2.2 a complete miss, stored', { fwd: 'miss', stored: true, ttl: 60 }, 'HARP; fwd=miss; stored; ttl=60'],
    ['§2.2 uri-miss', { fwd: 'uri-miss' }, 'HARP; fwd=uri-miss'],
    ['§2.2 vary-miss', { fwd: 'vary-miss' }, 'HARP; fwd=vary-miss'],
    ['§2.2 bypass (cache off or route opted out)', { fwd: 'bypass' }, 'HARP; fwd=bypass'],
    ['§2.2 method (not GET or HEAD)', { fwd: 'method' }, 'HARP; fwd=method'],
    ['§2.2 request (client no-cache)', { fwd: 'request' }, 'HARP; fwd=request'],
    ['§2.3 revalidated with a 304', { fwd: 'stale', fwdStatus: 304 }, 'HARP; fwd=stale; fwd-status=304'],
    [
      '§2.3 revalidated, stored again',
      { fwd: 'stale', fwdStatus: 304, stored: true, ttl: 30 },
      'HARP; fwd=stale; fwd-status=304; stored; ttl=30',
    ],
    ['§2.5 explicitly not stored', { fwd: 'uri-miss', stored: false }, 'HARP; fwd=uri-miss; stored=?0'],
    ['§2.6 collapsed', { fwd: 'uri-miss', collapsed: true }, 'HARP; fwd=uri-miss; collapsed'],
    ['§2.6 tried to collapse but could not', { fwd: 'uri-miss', collapsed: false }, 'HARP; fwd=uri-miss; collapsed=?0'],
    ['§2.7 key is an sf-string', { hit: true, key: 'http://h/a"b' }, 'HARP; hit; key="http://h/a\\"b"'],
    [
      '§2.8 a detail that is not a token is an sf-string',
      { fwd: 'uri-miss', detail: 'store unavailable' },
      'HARP; fwd=uri-miss; detail="store unavailable"',
    ],
  ])('%s', (_title, status, expected) => {
    expect(formatCacheStatus(status)).toBe(expected);
  });
});

describe('appendCacheStatus (RFC 9211 §2)', () => {
  it.each<[string | string[] | undefined, string]>([
    [undefined, 'HARP; hit'],
    ['', 'HARP; hit'],
    ['OriginCache; hit; ttl=1100', 'OriginCache; hit; ttl=1100, HARP; hit'],
    [['A; hit', 'B; fwd=miss'], 'A; hit, B; fwd=miss, HARP; hit'],
  ])('keeps %j and appends HARP last (closest to the client)', (existing, expected) => {
    expect(appendCacheStatus(existing, 'HARP; hit')).toBe(expected);
  });
});

import { normalizeHostPattern, normalizePathPrefix, normalizeRequestHost } from './route-pattern.js';
import { RouteTable } from './route-table.js';

/** 'host/path' (or 'host' for '/') → a route. */
function route(spec: string): { host: string; path: string } {
  const slash = spec.indexOf('/');
  return slash === -1 ? { host: spec, path: '/' } : { host: spec.slice(0, slash), path: spec.slice(slash) };
}

/** A table whose members are the route specs themselves, each owned by one key. */
function tableOf(...specs: string[]): RouteTable<string> {
  const table = new RouteTable<string>();
  for (const spec of specs) expect(table.add(route(spec), spec, 'key-a').ok).toBe(true);
  return table;
}

function found(table: RouteTable<string>, host: string, path: string): string | undefined {
  const pool = table.lookup(host, path);
  return pool && `${pool.host}${pool.path === '/' ? '' : pool.path}`;
}

describe('RouteTable.lookup precedence', () => {
  const table = tableOf(
    'api.example.com',
    'api.example.com/v2',
    '*.example.com',
    '*.example.com/static',
    '*.b.example.com',
    '*.b.example.com/deep',
    'only-prefix.example.com/admin',
    '*.c.example.com/x',
    '*',
    '*/health',
    'api.other.org/api',
  );

  it.each<[string, string, string | undefined]>([
    // exact beats wildcard beats any
    ['api.example.com', '/', 'api.example.com'],
    ['api.example.com', '/v2/users', 'api.example.com/v2'],
    ['api.example.com', '/v2x', 'api.example.com'],
    ['api.example.com', '/static/app.js', 'api.example.com'], // exact '/' wins over a longer wildcard prefix
    ['www.example.com', '/', '*.example.com'],
    ['www.example.com', '/static/app.js', '*.example.com/static'],
    ['www.example.com', '/staticx', '*.example.com'],
    ['unknown.net', '/', '*'],
    ['unknown.net', '/health', '*/health'],
    ['unknown.net', '/healthz', '*'],
    // wildcards: most specific suffix first, any depth, never the bare suffix
    ['a.b.example.com', '/', '*.b.example.com'],
    ['x.y.a.b.example.com', '/deep/1', '*.b.example.com/deep'],
    ['b.example.com', '/', '*.example.com'],
    ['example.com', '/', '*'],
    ['deep.sub.www.example.com', '/', '*.example.com'],
    ['notexample.com', '/', '*'],
    // fall-through: a host pattern with no matching prefix yields to the next less specific
    ['only-prefix.example.com', '/admin/users', 'only-prefix.example.com/admin'],
    ['only-prefix.example.com', '/', '*.example.com'],
    ['only-prefix.example.com', '/static', '*.example.com/static'],
    ['q.c.example.com', '/x/1', '*.c.example.com/x'],
    ['q.c.example.com', '/y', '*.example.com'],
    ['api.other.org', '/api', 'api.other.org/api'],
    ['api.other.org', '/health', '*/health'],
    ['api.other.org', '/', '*'],
    // no host at all still reaches '*'
    ['', '/health', '*/health'],
  ])('%s %s → %s', (host, path, expected) => {
    expect(found(table, host, path)).toBe(expected);
  });

  it('answers undefined when nothing matches and there is no *', () => {
    const noAny = tableOf('api.example.com/api', '*.example.com/static');
    expect(found(noAny, 'api.example.com', '/')).toBeUndefined();
    expect(found(noAny, 'api.example.com', '/apix')).toBeUndefined();
    expect(found(noAny, 'example.com', '/static')).toBeUndefined();
    expect(found(noAny, '', '/')).toBeUndefined();
    expect(found(new RouteTable<string>(), 'api.example.com', '/')).toBeUndefined();
  });

  it.each<[string, string, string | undefined]>([
    // hosts as they arrive in a Host header: case and port do not matter
    ['API.Example.com:8443', '/v2/x', 'api.example.com/v2'],
    ['WWW.EXAMPLE.COM.', '/static', '*.example.com/static'],
    ['[::1]:8080', '/', '*'],
    ['api.example.com:notaport', '/v2', '*'],
  ])('request host %s %s → %s', (hostHeader, path, expected) => {
    const patterns = tableOf();
    for (const spec of ['API.example.COM:443/v2/', '*.Example.com./static', '*:80']) {
      const { host, path: prefix } = route(spec);
      patterns.add({ host: normalizeHostPattern(host), path: normalizePathPrefix(prefix) }, spec, 'key-a');
    }
    const pool = patterns.lookup(normalizeRequestHost(hostHeader) ?? '', path);
    expect(pool && `${pool.host}${pool.path === '/' ? '' : pool.path}`).toBe(expected);
  });
});

describe('RouteTable ownership and pools', () => {
  it('pools members of the same route and key, once each', () => {
    const table = new RouteTable<string>();
    const first = table.add(route('api.example.com/api'), 'b1', 'key-a');
    const second = table.add(route('api.example.com/api'), 'b2', 'key-a');
    const again = table.add(route('api.example.com/api'), 'b1', 'key-a');
    expect(first.ok && second.ok && again.ok).toBe(true);
    const pool = table.lookup('api.example.com', '/api')!;
    expect(first.ok && first.pool).toBe(pool);
    expect(pool.members).toEqual(['b1', 'b2']);
    expect(pool.ownerKeyId).toBe('key-a');
    expect(table.size).toBe(1);
  });

  it.each([
    ['api.example.com/api', 'api.example.com'],
    ['*.example.com/api', 'x.example.com'],
    ['*/api', 'x.org'],
  ])('refuses %s to another key without naming the owner', (spec, requestHost) => {
    const table = new RouteTable<string>();
    table.add(route(spec), 'b1', 'key-a');
    const result = table.add(route(spec), 'b2', 'key-b');
    expect(result).toEqual({ ok: false, code: 'route_owned', reason: expect.any(String) });
    expect(result.ok === false && result.reason).not.toContain('key-a');
    expect(table.lookup(requestHost, '/api')!.members).toEqual(['b1']);
  });

  it('lets another key take a different prefix or host beside an owned route', () => {
    const table = new RouteTable<string>();
    table.add(route('api.example.com/api'), 'b1', 'key-a');
    expect(table.add(route('api.example.com/api/v2'), 'b2', 'key-b').ok).toBe(true);
    expect(table.add(route('api.example.com'), 'b3', 'key-b').ok).toBe(true);
    expect(table.add(route('*.example.com/api'), 'b4', 'key-b').ok).toBe(true);
    expect(table.size).toBe(4);
  });

  it('releases ownership when the last member is removed', () => {
    const table = new RouteTable<string>();
    table.add(route('api.example.com/api'), 'b1', 'key-a');
    table.add(route('api.example.com/api'), 'b2', 'key-a');
    expect(table.remove(route('api.example.com/api'), 'b1')).toBe(true);
    expect(table.add(route('api.example.com/api'), 'b3', 'key-b').ok).toBe(false);
    expect(table.remove(route('api.example.com/api'), 'b2')).toBe(true);
    expect(table.lookup('api.example.com', '/api')).toBeUndefined();
    expect(table.size).toBe(0);
    const taken = table.add(route('api.example.com/api'), 'b3', 'key-b');
    expect(taken.ok && taken.pool.ownerKeyId).toBe('key-b');
  });

  it.each<[string, string, string]>([
    ['an unknown route', 'nothing.example.com/x', 'b1'],
    ['a route the member is not in', 'api.example.com', 'b9'],
    ['an unknown prefix of a known host', 'api.example.com/zzz', 'b1'],
  ])('remove of %s reports false and changes nothing', (_name, spec, member) => {
    const table = tableOf('api.example.com');
    table.add(route('api.example.com'), 'b1', 'key-a');
    expect(table.remove(route(spec), member)).toBe(false);
    expect(table.lookup('api.example.com', '/')!.members).toEqual(['api.example.com', 'b1']);
  });

  it('removeMember takes a member out of every pool and drops the emptied ones', () => {
    const table = new RouteTable<string>();
    for (const spec of ['api.example.com', '*.example.com/a', '*/b']) table.add(route(spec), 'gone', 'key-a');
    table.add(route('api.example.com'), 'stays', 'key-a');
    const left = table.removeMember('gone');
    expect(left.map((pool) => `${pool.host}${pool.path}`).sort()).toEqual(['*.example.com/a', '*/b', 'api.example.com/']);
    expect(table.size).toBe(1);
    expect(table.lookup('api.example.com', '/')!.members).toEqual(['stays']);
    expect(table.lookup('x.example.com', '/a')).toBeUndefined();
    expect(table.lookup('x.org', '/b')).toBeUndefined();
    expect(table.removeMember('gone')).toEqual([]);
    expect(table.add(route('*/b'), 'other', 'key-b').ok).toBe(true);
  });

  it('forgets a member that left every pool one by one', () => {
    const table = new RouteTable<string>();
    table.add(route('a.example.com'), 'm', 'key-a');
    table.remove(route('a.example.com'), 'm');
    expect(table.removeMember('m')).toEqual([]);
  });

  it('wildcard fall-back stays right after the longest suffix goes away', () => {
    const table = tableOf('*.example.com', '*.very.long.sub.example.com');
    expect(found(table, 'x.very.long.sub.example.com', '/')).toBe('*.very.long.sub.example.com');
    table.removeMember('*.very.long.sub.example.com');
    expect(found(table, 'x.very.long.sub.example.com', '/')).toBe('*.example.com');
    table.add(route('*.long.sub.example.com'), 'again', 'key-a');
    expect(found(table, 'x.very.long.sub.example.com', '/')).toBe('*.long.sub.example.com');
  });

  it('shares traffic round-robin and skips members that are not eligible', () => {
    const table = new RouteTable<string>();
    for (const member of ['b1', 'b2', 'b3']) table.add(route('api.example.com'), member, 'key-a');
    const pool = table.lookup('api.example.com', '/x')!;
    const draining = new Set(['b2']);
    const eligible = (m: string) => !draining.has(m);
    expect([1, 2, 3, 4].map(() => pool.pick(eligible))).toEqual(['b1', 'b3', 'b1', 'b3']);
    table.remove(route('api.example.com'), 'b3');
    expect([1, 2].map(() => pool.pick(eligible))).toEqual(['b1', 'b1']);
    draining.add('b1');
    expect(pool.pick(eligible)).toBeUndefined();
  });
});

describe('RouteTable.list', () => {
  it('lists pools in precedence order with snapshots of their members', () => {
    const table = tableOf(
      '*/health',
      '*',
      '*.example.com',
      '*.b.example.com/x',
      'z.example.com',
      'a.example.com/api',
      'a.example.com',
      'a.example.com/api/v1',
      '*.a.example.com',
    );
    const views = table.list();
    expect(views.map((v) => `${v.hostKind} ${v.host}${v.path}`)).toEqual([
      'exact a.example.com/api/v1',
      'exact a.example.com/api',
      'exact a.example.com/',
      'exact z.example.com/',
      'wildcard *.a.example.com/',
      'wildcard *.b.example.com/x',
      'wildcard *.example.com/',
      'any */health',
      'any */',
    ]);
    expect(views[0]).toEqual({
      host: 'a.example.com',
      path: '/api/v1',
      hostKind: 'exact',
      ownerKeyId: 'key-a',
      members: ['a.example.com/api/v1'],
      options: {},
    });
    table.add(route('a.example.com/api/v1'), 'later', 'key-a');
    expect(views[0]!.members).toEqual(['a.example.com/api/v1']);
  });

  it('is empty for an empty table', () => {
    expect(new RouteTable<string>().list()).toEqual([]);
  });
});

describe('RouteTable at scale', () => {
  // Correctness only: the table is built from maps, so this size is cheap; a scanning
  // implementation would still pass, but the shape below is what a large edge looks like.
  it('finds the right pool among 10,000 exact hosts and 1,000 wildcards', () => {
    const table = new RouteTable<number>();
    for (let i = 0; i < 10_000; i++) {
      expect(table.add({ host: `host-${i}.example.com`, path: i % 2 ? '/api' : '/' }, i, `key-${i}`).ok).toBe(true);
    }
    for (let i = 0; i < 1_000; i++) table.add({ host: `*.tenant-${i}.example.net`, path: '/' }, 100_000 + i, 'wild');
    table.add({ host: '*', path: '/' }, -1, 'fallback');

    expect(table.size).toBe(11_001);
    expect(table.lookup('host-0.example.com', '/anything')!.members).toEqual([0]);
    expect(table.lookup('host-9999.example.com', '/api/x')!.members).toEqual([9999]);
    expect(table.lookup('host-9999.example.com', '/')!.members).toEqual([-1]);
    expect(table.lookup('host-10000.example.com', '/')!.members).toEqual([-1]);
    expect(table.lookup('a.b.tenant-999.example.net', '/')!.members).toEqual([100_999]);
    expect(table.lookup('tenant-999.example.net', '/')!.members).toEqual([-1]);
  });

  it('stays correct for hostile hosts and paths far longer than any route', () => {
    const table = tableOf('*.example.com/a', '*');
    expect(found(table, 'x.'.repeat(5_000) + 'example.com', '/a' + '/b'.repeat(5_000))).toBe('*.example.com/a');
    expect(found(table, 'x.'.repeat(5_000) + 'example.org', '/a')).toBe('*');
  });
});

describe('RouteTable with vacant pools kept (a route grace)', () => {
  it('keeps an emptied pool matched and owned until it is dropped', () => {
    const table = new RouteTable<string>({ keepVacant: true });
    table.add(route('api.example.com/v1'), 'b1', 'key-a');
    table.add(route('*.example.com'), 'w', 'key-a');
    expect(table.removeMember('b1').map((p) => p.size)).toEqual([0]);
    const vacant = table.lookup('api.example.com', '/v1/x')!;
    expect([vacant.host, vacant.path, vacant.size]).toEqual(['api.example.com', '/v1', 0]);
    expect(table.add(route('api.example.com/v1'), 'thief', 'key-b').ok).toBe(false);
    expect(table.size).toBe(2);

    expect(table.dropVacant(vacant)).toBe(true);
    expect(found(table, 'api.example.com', '/v1/x')).toBe('*.example.com');
    expect(table.add(route('api.example.com/v1'), 'other', 'key-b').ok).toBe(true);
  });

  it('does not drop a pool that has members again, or one no longer in the table', () => {
    const table = new RouteTable<string>({ keepVacant: true });
    table.add(route('a.example'), 'b1', 'key-a');
    table.remove(route('a.example'), 'b1');
    const pool = table.poolAt(route('a.example'))!;
    table.add(route('a.example'), 'b2', 'key-a');
    expect(table.dropVacant(pool)).toBe(false);
    table.remove(route('a.example'), 'b2');
    expect(table.dropVacant(pool)).toBe(true);
    expect(table.dropVacant(pool)).toBe(false);
    expect(table.size).toBe(0);
  });

  it('lists a vacant pool with no members', () => {
    const table = new RouteTable<string>({ keepVacant: true });
    table.add(route('a.example'), 'b1', 'key-a');
    table.removeMember('b1');
    expect(table.list()).toEqual([expect.objectContaining({ host: 'a.example', path: '/', members: [] })]);
    expect(table.poolsOf('b1').size).toBe(0);
  });

  it('without keepVacant an emptied pool goes at once', () => {
    const table = new RouteTable<string>();
    table.add(route('a.example'), 'b1', 'key-a');
    table.removeMember('b1');
    expect([table.size, table.lookup('a.example', '/')]).toEqual([0, undefined]);
  });
});

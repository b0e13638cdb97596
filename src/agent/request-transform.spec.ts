import { changesRequest, editFields, stripPathPrefix, transformHead } from './request-transform.js';

describe('stripPathPrefix', () => {
  it.each([
    ['/api/users?x=1', '/api', '/users?x=1'],
    ['/api?x=1', '/api', '/?x=1'],
    ['/api', '/api', '/'],
    ['/api/', '/api', '/'],
    ['/api/a/b', '/api/', '/a/b'], // a trailing slash on the prefix changes nothing
    ['/apix/y', '/api', '/apix/y'], // not on a segment boundary: kept
    ['/web/x', '/api', '/web/x'],
    ['/x?next=/api/y', '/api', '/x?next=/api/y'], // the query is never looked at
    ['/a/b', '/', '/a/b'],
  ])('%s without %s is %s', (target, prefix, expected) => {
    expect(stripPathPrefix(target, prefix)).toBe(expected);
  });
});

describe('editFields', () => {
  const fields: Array<[string, string]> = [
    ['Host', 'public.test'],
    ['X-Secret', 'a'],
    ['Accept', '*/*'],
    ['x-secret', 'b'],
    ['X-Tenant', 'client-chosen'],
    ['Set-Thing', '1'],
    ['Set-Thing', '2'],
  ];

  it('removes fields by name, whatever their case, and keeps the rest in order', () => {
    expect(editFields(fields, { removeHeaders: ['x-SECRET'] })).toEqual([
      ['Host', 'public.test'],
      ['Accept', '*/*'],
      ['X-Tenant', 'client-chosen'],
      ['Set-Thing', '1'],
      ['Set-Thing', '2'],
    ]);
  });

  it('sets added fields in place of the client\'s (once) or at the end, and rewrites Host', () => {
    expect(editFields(fields, { addHeaders: { 'x-tenant': 'acme', 'X-Added': 'yes' }, hostHeader: 'internal:3000' })).toEqual([
      ['Host', 'internal:3000'],
      ['X-Secret', 'a'],
      ['Accept', '*/*'],
      ['x-secret', 'b'],
      ['x-tenant', 'acme'],
      ['Set-Thing', '1'],
      ['Set-Thing', '2'],
      ['X-Added', 'yes'],
    ]);
  });

  it('adds a Host when the request had none', () => {
    expect(editFields([['Accept', '*/*']], { hostHeader: 'h.test' })).toEqual([
      ['Accept', '*/*'],
      ['Host', 'h.test'],
    ]);
  });
});

describe('transformHead', () => {
  const head = { method: 'GET', target: '/api/x?y=1', headers: [['Host', 'p.test']] as Array<[string, string]> };

  it('leaves the head itself alone when nothing changes', () => {
    expect(transformHead(head, {})).toBe(head);
    expect(transformHead(head, { stripPrefix: '/' })).toBe(head);
    expect(changesRequest({ removeHeaders: [] })).toBe(false);
  });

  it('changes a copy', () => {
    const changed = transformHead(head, { stripPrefix: '/api', hostHeader: 'up.test' });
    expect(changed).toEqual({ method: 'GET', target: '/x?y=1', headers: [['Host', 'up.test']] });
    expect(head.target).toBe('/api/x?y=1');
  });
});

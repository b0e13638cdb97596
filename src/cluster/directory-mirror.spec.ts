import { decodeMessage, encodeMessage, type DirectoryMessage, type NodeState } from './cluster-model.js';
import { DirectoryMirror } from './directory-mirror.js';

function state(id: string, routes: Array<[host: string, path: string, key: string]> = [], agents = routes.length): NodeState {
  return {
    node: { id, url: `http://${id}:7000`, startedAt: 1, heartbeatAt: 2, agents },
    routes: routes.map(([host, path, ownerKeyId]) => ({ host, path, ownerKeyId, nodeId: id, members: 1 })),
  };
}
const msg = (s: NodeState): DirectoryMessage => ({ v: 1, type: 'state', state: s });

describe('DirectoryMirror', () => {
  it('keeps the other nodes from their messages, and ignores its own', () => {
    const mirror = new DirectoryMirror('self');
    expect(mirror.apply(msg(state('b', [['api.example.com', '/', 'k1']])), 0)).toBe(true);
    mirror.apply(msg(state('a')), 0);
    mirror.apply(msg(state('self', [['x', '/', 'k']])), 0);
    expect(mirror.nodes().map((n) => n.node.id)).toEqual(['a', 'b']);
    expect(mirror.entriesFor({ host: 'api.example.com', path: '/' }).map((e) => e.nodeId)).toEqual(['b']);
    expect(mirror.entriesFor({ host: 'x', path: '/' })).toEqual([]);
  });

  it('matches a request to the most specific route other nodes serve, with their URLs', () => {
    const mirror = new DirectoryMirror('self');
    mirror.apply(msg(state('b', [['*.example.com', '/', 'k'], ['api.example.com', '/v1', 'k']])), 0);
    mirror.apply(msg(state('c', [['api.example.com', '/v1', 'k']])), 0);
    expect(mirror.match('api.example.com', '/v1/users')).toEqual({
      route: { host: 'api.example.com', path: '/v1' },
      nodes: [
        { nodeId: 'b', url: 'http://b:7000' },
        { nodeId: 'c', url: 'http://c:7000' },
      ],
    });
    expect(mirror.match('api.example.com', '/v2')?.route).toEqual({ host: '*.example.com', path: '/' });
    expect(mirror.match('example.org', '/')).toBeUndefined();
    // A change is seen by the next match: the table is rebuilt, not kept stale.
    mirror.apply({ v: 1, type: 'leave', nodeId: 'c' }, 1);
    expect(mirror.match('api.example.com', '/v1')?.nodes.map((n) => n.nodeId)).toEqual(['b']);
    mirror.apply(msg(state('b')), 2);
    expect(mirror.match('api.example.com', '/v1')).toBeUndefined();
  });

  it('replaces a node\'s routes with its latest state', () => {
    const mirror = new DirectoryMirror('self');
    mirror.apply(msg(state('b', [['h', '/a', 'k']])), 0);
    mirror.apply(msg(state('b', [['h', '/b', 'k']])), 1);
    expect(mirror.entriesFor({ host: 'h', path: '/a' })).toEqual([]);
    expect(mirror.entriesFor({ host: 'h', path: '/b' })).toHaveLength(1);
  });

  it('drops a node that leaves, and one that missed three heartbeats', () => {
    const mirror = new DirectoryMirror('self');
    mirror.apply(msg(state('a', [['h', '/', 'k']])), 0);
    mirror.apply(msg(state('b')), 250);
    expect(mirror.prune(300, 100)).toEqual([]);
    expect(mirror.prune(301, 100)).toEqual(['a']);
    expect(mirror.entriesFor({ host: 'h', path: '/' })).toEqual([]);
    expect(mirror.apply({ v: 1, type: 'leave', nodeId: 'b' }, 302)).toBe(true);
    expect(mirror.apply({ v: 1, type: 'leave', nodeId: 'b' }, 302)).toBe(false);
    expect(mirror.nodes()).toEqual([]);
  });

  it('does not believe entries a node sends on behalf of another', () => {
    const mirror = new DirectoryMirror('self');
    const lying = state('a', [['h', '/', 'k']]);
    mirror.apply(msg({ ...lying, routes: [{ ...lying.routes[0]!, nodeId: 'c' }] }), 0);
    expect(mirror.entriesFor({ host: 'h', path: '/' })).toEqual([]);
  });

  it.each([
    ['no other node serves it', [], 'k1', undefined],
    ['the same key serves it elsewhere', [['h', '/', 'k1']], 'k1', undefined],
    ['another key serves it elsewhere', [['h', '/', 'k2']], 'k1', 'k2'],
  ] as const)('foreign owner when %s', (_what, routes, key, owner) => {
    const mirror = new DirectoryMirror('self');
    mirror.apply(msg(state('b', routes.map((r) => [...r]))), 0);
    expect(mirror.foreignOwner({ host: 'h', path: '/' }, key)).toBe(owner);
  });

  it('is replaced whole by a resync', () => {
    const mirror = new DirectoryMirror('self');
    mirror.apply(msg(state('a', [['h', '/', 'k']])), 0);
    mirror.replace([state('b'), state('self')], 10);
    expect(mirror.nodes().map((n) => n.node.id)).toEqual(['b']);
    expect(mirror.entriesFor({ host: 'h', path: '/' })).toEqual([]);
  });
});

describe('directory messages', () => {
  it('round-trip', () => {
    const messages: DirectoryMessage[] = [msg(state('a', [['*.example.com', '/v1', 'k']])), { v: 1, type: 'leave', nodeId: 'a' }];
    for (const message of messages) expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });

  it.each([
    ['not JSON', '{'],
    ['another version', JSON.stringify({ v: 2, type: 'leave', nodeId: 'a' })],
    ['an unknown type', JSON.stringify({ v: 1, type: 'gossip' })],
    ['a route without members', JSON.stringify(msg({ ...state('a'), routes: [{ host: 'h', path: '/', ownerKeyId: 'k', nodeId: 'a', members: 0 }] }))],
    ['a path without a slash', JSON.stringify(msg({ ...state('a'), routes: [{ host: 'h', path: 'x', ownerKeyId: 'k', nodeId: 'a', members: 1 }] }))],
  ])('skips %s', (_what, text) => {
    expect(decodeMessage(text)).toBeUndefined();
  });
});

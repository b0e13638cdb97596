import { withdrawalsFor, withdrawnRoute } from './route-withdrawal.js';
import type { HoldingSession } from './route-withdrawal.js';

const session = (name: string, keyId: string, ...routes: Array<[string, string]>): HoldingSession & { name: string } => ({
  name,
  keyId,
  routes: new Map(routes.map(([host, path]) => [`${host}\n${path}`, { host, path }])),
});

describe('withdrawalsFor: who gives up a route the cluster found owned by another key', () => {
  const conflict = { host: 'shop.example', path: '/', owner: 'team-a' };

  it.each<[string, Array<ReturnType<typeof session>>, string[]]>([
    ['a session of another key holding the route', [session('b1', 'team-b', ['shop.example', '/'])], ['b1']],
    ['every such session, of any other key', [session('b1', 'team-b', ['shop.example', '/']), session('c1', 'team-c', ['shop.example', '/'])], ['b1', 'c1']],
    ['not a session of the owning key', [session('a1', 'team-a', ['shop.example', '/']), session('b1', 'team-b', ['shop.example', '/'])], ['b1']],
    ['not a narrower route of the same host', [session('b1', 'team-b', ['shop.example', '/api'])], []],
    ['not another host', [session('b1', 'team-b', ['other.example', '/'])], []],
    ['not a wildcard covering the host', [session('b1', 'team-b', ['*.example', '/'])], []],
    ['nobody when no session holds it', [], []],
  ])('%s', (_name, sessions, expected) => {
    expect(withdrawalsFor(sessions, conflict).map((w) => w.session.name)).toEqual(expected);
  });

  it('takes only the conflicting route from a session that holds several', () => {
    const b = session('b1', 'team-b', ['b.example', '/'], ['shop.example', '/']);
    expect(withdrawalsFor([b], conflict)).toEqual([{ session: b, route: { host: 'shop.example', path: '/' } }]);
  });
});

describe('withdrawnRoute', () => {
  it('says route_owned, as a refused registration does, without naming the owner', () => {
    expect(withdrawnRoute({ host: 'shop.example', path: '/v1' })).toEqual({
      host: 'shop.example',
      path: '/v1',
      code: 'route_owned',
      reason: 'shop.example/v1 is registered by another key in the cluster',
    });
  });
});

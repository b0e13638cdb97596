import { routeHolders, type ListedNode } from './public/cluster-routes.js';

// The dashboard's cluster view: for each route, which nodes hold members of it.

const route = (host: string, path: string, ownerKeyId = 'team', members = 1) => ({ host, path, ownerKeyId, members });
const node = (id: string, self: boolean, ...routes: ReturnType<typeof route>[]): ListedNode => ({ id, self, routes });

describe('routeHolders', () => {
  it('lists each route once, with every node that holds members of it, this node first', () => {
    const rows = routeHolders([
      node('node-b', true, route('api.example', '/', 'team', 2)),
      node('node-a', false, route('api.example', '/'), route('shop.example', '/v1')),
      node('node-c', false, route('api.example', '/', 'team', 3)),
    ]);
    expect(rows).toEqual([
      {
        host: 'api.example',
        path: '/',
        ownerKeyIds: ['team'],
        holders: [
          { nodeId: 'node-b', self: true, members: 2 },
          { nodeId: 'node-a', self: false, members: 1 },
          { nodeId: 'node-c', self: false, members: 3 },
        ],
      },
      { host: 'shop.example', path: '/v1', ownerKeyIds: ['team'], holders: [{ nodeId: 'node-a', self: false, members: 1 }] },
    ]);
  });

  it('orders routes by host, then path', () => {
    const rows = routeHolders([node('n', true, route('b.example', '/'), route('a.example', '/z'), route('a.example', '/a'))]);
    expect(rows.map((r) => `${r.host}${r.path}`)).toEqual(['a.example/a', 'a.example/z', 'b.example/']);
  });

  it('keeps every owner key a route is held with: more than one is a conflict to show', () => {
    const rows = routeHolders([node('node-a', true, route('x.example', '/', 'team-a')), node('node-b', false, route('x.example', '/', 'team-b'))]);
    expect(rows[0]!.ownerKeyIds).toEqual(['team-a', 'team-b']);
  });

  it('is empty when no node holds a route', () => {
    expect(routeHolders([node('node-a', true), node('node-b', false)])).toEqual([]);
  });
});

import { chooseRoute, prefixMatches, routeOutcomes, servedRoutes, targetPath, withoutWithdrawn } from './route-choice.js';
import type { ServedRoute } from './route-choice.js';

const served = (...routes: Array<[string, string]>): ServedRoute[] => routes.map(([host, path], index) => ({ index, host, path }));

describe('chooseRoute', () => {
  // The proxy's precedence (route-table.ts), seen from the agent's own accepted routes.
  const routes = served(['*', '/'], ['*', '/api'], ['*.example.com', '/'], ['api.example.com', '/v2'], ['*.b.example.com', '/'], ['app.test', '/']);

  it.each<[string | undefined, string, number | undefined]>([
    ['other.test', '/', 0],
    ['other.test', '/api', 1],
    ['other.test', '/api/x', 1],
    ['other.test', '/apix', 0],
    ['x.example.com', '/api', 2], // a wildcard host wins over `*`, whatever the prefix lengths
    ['api.example.com', '/v2/users', 3],
    ['api.example.com', '/v1', 2], // the exact host has no prefix for it: falls through to the wildcard
    ['a.b.example.com', '/', 4], // the longer wildcard suffix first
    ['example.com', '/', 0], // `*.example.com` does not match the bare name
    ['APP.test:8080', '/', 5], // case and port do not count
    ['app.test.', '/', 5], // nor a trailing dot
    [undefined, '/api', 1], // no Host matches only `*`
    ['bad host!', '/', 0],
  ])('%s %s → route %s', (host, path, index) => {
    expect(chooseRoute(routes, host, path)?.index).toBe(index);
  });

  it('matches nothing when no route covers the request', () => {
    expect(chooseRoute(served(['app.test', '/api']), 'app.test', '/web')).toBeUndefined();
    expect(chooseRoute([], 'app.test', '/')).toBeUndefined();
  });
});

describe('prefixMatches and targetPath', () => {
  it('match on segment boundaries only', () => {
    expect([prefixMatches('/api', '/api'), prefixMatches('/api', '/api/'), prefixMatches('/api', '/apix'), prefixMatches('/', '/x')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
  });

  it('cut the target at its query or a stray fragment', () => {
    expect([targetPath('/a/b?x=1'), targetPath('/a#f'), targetPath('/a')]).toEqual(['/a/b', '/a', '/a']);
  });
});

describe('withoutWithdrawn', () => {
  it('leaves out the routes the proxy took back, so that their requests match the next best route', () => {
    const routes = served(['*', '/'], ['app.test', '/api']);
    const left = withoutWithdrawn(routes, [{ host: 'App.test', path: '/api' }]);
    expect(left).toEqual([{ index: 0, host: '*', path: '/' }]);
    expect(chooseRoute(left, 'app.test', '/api/x')?.index).toBe(0);
  });
});

describe('routeOutcomes', () => {
  it('pairs each sent route with its acceptance (normalized) or rejection (as sent), in order', () => {
    const sent = [
      { host: 'App.Test', path: '/api/' },
      { host: 'owned.test', path: '/' },
      { host: '*', path: '/' },
    ];
    const outcomes = routeOutcomes(sent, {
      accepted: [
        { host: 'app.test', path: '/api' },
        { host: '*', path: '/' },
      ],
      rejected: [{ host: 'owned.test', path: '/', code: 'route_owned', reason: 'another key' }],
    });
    expect(outcomes.map((o) => [o.index, o.accepted?.host ?? null, o.rejected?.code ?? null])).toEqual([
      [0, 'app.test', null],
      [1, null, 'route_owned'],
      [2, '*', null],
    ]);
    expect(servedRoutes(outcomes)).toEqual([
      { index: 0, host: 'app.test', path: '/api' },
      { index: 2, host: '*', path: '/' },
    ]);
  });
});

describe('routeOutcomes with subdomain claims and routes not sent', () => {
  it('tells a subdomain claim\'s rejection by its subdomain, and maps sent routes to their places', () => {
    const sent = [
      { subdomain: 'random', path: '/' },
      { subdomain: 'taken', path: '/' },
      { host: 'app.test', path: '/' },
    ];
    const outcomes = routeOutcomes(
      sent,
      {
        accepted: [
          { host: 'brave-otter-7f3kq2.tunnel.test', path: '/' },
          { host: 'app.test', path: '/' },
        ],
        rejected: [{ host: 'taken.tunnel.test', path: '/', code: 'route_owned', reason: 'another key', subdomain: 'taken' }],
      },
      [0, 2, 3],
    );
    expect(outcomes.map((o) => [o.index, o.accepted?.host ?? null, o.rejected?.code ?? null])).toEqual([
      [0, 'brave-otter-7f3kq2.tunnel.test', null],
      [2, null, 'route_owned'],
      [3, 'app.test', null],
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { clusterKeys, routeId } from './cluster-keys.js';

const keys = clusterKeys('harp:');

describe('cluster key layout', () => {
  it.each([
    ['node set', keys.nodes, 'harp:nodes'],
    ['node record', keys.node('edge-1'), 'harp:node:edge-1'],
    ['node routes', keys.nodeRoutes('edge-1'), 'harp:node:edge-1:routes'],
    ['route owner', keys.owner('api.example.com/v1'), 'harp:owner:api.example.com/v1'],
    ['subdomain', keys.subdomain('brave-otter-7f3kq2'), 'harp:subdomain:brave-otter-7f3kq2'],
    ['channel', keys.channel, 'harp:directory'],
    ['cache', keys.cache, 'harp:cache:'],
  ])('%s', (_what, actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('builds every key from the prefix', () => {
    const blue = clusterKeys('blue/');
    for (const key of [blue.nodes, blue.node('n'), blue.nodeRoutes('n'), blue.owner('h/'), blue.subdomain('s'), blue.channel, blue.cache]) {
      expect(key.startsWith('blue/')).toBe(true);
    }
  });

  it.each([
    [{ host: 'api.example.com', path: '/' }, 'api.example.com/'],
    [{ host: '*.example.com', path: '/v1' }, '*.example.com/v1'],
    [{ host: '*', path: '/a/b' }, '*/a/b'],
  ])('route id of %j', (route, expected) => {
    expect(routeId(route)).toBe(expected);
  });

  it('is the layout docs/cluster.md documents', () => {
    const markdown = readFileSync(new URL('../../docs/cluster.md', import.meta.url), 'utf8');
    const section = markdown.split('## Key layout')[1]!.split('\n## ')[0]!;
    const documented = [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    const n = '<node>';
    expect(documented).toEqual([keys.nodes, keys.node(n), keys.nodeRoutes(n), keys.owner('<host><path>'), keys.subdomain('<name>'), keys.channel, `${keys.cache}…`]);
  });
});

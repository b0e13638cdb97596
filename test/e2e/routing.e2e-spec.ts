import type { AgentRoute } from '../../src/agent/agent-options.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { rawExchange, requestText } from '../helpers/raw-http.js';

// Each agent answers with its own name, so every response says which route the proxy chose.

describe('routing through the proxy', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function backends(proxy: HarpServer, table: Record<string, AgentRoute>): Promise<void> {
    for (const [name, route] of Object.entries(table)) {
      await h.agent(proxy, (req, res) => res.end(`${name} ${req.url}`), { routes: [route], name });
    }
  }

  async function chosen(proxy: HarpServer, host: string, path: string): Promise<string> {
    const res = await send(`${proxy.url}${path}`, { headers: { host } });
    if (res.status === 404) return `404 ${res.headers['x-harp-error']}`;
    expect(res.status).toBe(200);
    return res.body.toString().split(' ')[0]!;
  }

  describe('host precedence: exact, then wildcard, then any', () => {
    let proxy: HarpServer;
    beforeEach(async () => {
      proxy = await h.proxy();
      await backends(proxy, {
        any: { host: '*', path: '/' },
        wild: { host: '*.example.com', path: '/' },
        deeper: { host: '*.eu.example.com', path: '/' },
        exact: { host: 'api.example.com', path: '/' },
        v2only: { host: 'v2.example.com', path: '/v2' },
      });
    });

    it.each([
      ['api.example.com', '/', 'exact'],
      ['www.example.com', '/', 'wild'],
      ['a.b.example.com', '/', 'wild'],
      ['shop.eu.example.com', '/', 'deeper'],
      ['example.com', '/', 'any'], // *.example.com does not match the bare domain
      ['other.org', '/', 'any'],
      ['notexample.com', '/', 'any'],
      ['v2.example.com', '/v2/items', 'v2only'],
      // An exact host without a matching prefix falls through to the wildcard.
      ['v2.example.com', '/v3', 'wild'],
    ])('Host %s, path %s → %s', async (host, path, expected) => {
      expect(await chosen(proxy, host, path)).toBe(expected);
    });

    it.each([
      ['API.EXAMPLE.COM', 'exact'],
      ['Api.Example.Com:8080', 'exact'],
      ['api.example.com:443', 'exact'],
      ['api.example.com.', 'exact'],
      ['WWW.Example.com:8443', 'wild'],
      ['[::1]:8080', 'any'],
      ['127.0.0.1', 'any'],
    ])('compares the Host %s without case or port → %s', async (host, expected) => {
      expect(await chosen(proxy, host, '/')).toBe(expected);
    });
  });

  describe('path prefixes', () => {
    let proxy: HarpServer;
    beforeEach(async () => {
      proxy = await h.proxy();
      await backends(proxy, {
        api: { host: 'app.example', path: '/api' },
        apiV2: { host: 'app.example', path: '/api/v2' },
        docs: { host: 'app.example', path: '/docs/' },
      });
    });

    it.each([
      ['/api', 'api'],
      ['/api/', 'api'],
      ['/api/v1/users', 'api'],
      ['/api?x=/api/v2', 'api'],
      ['/api/v2', 'apiV2'],
      ['/api/v2/users?q=1', 'apiV2'],
      ['/api/v20', 'api'],
      ['/docs', 'docs'],
      ['/docs/intro', 'docs'],
      ['/apix', '404 no_route'],
      ['/api-v2', '404 no_route'],
      ['/API', '404 no_route'],
      ['/%61pi', '404 no_route'], // compared raw: a backend might decode it, the proxy does not
      ['/', '404 no_route'],
      ['/docsx', '404 no_route'],
    ])('%s → %s', async (path, expected) => {
      expect(await chosen(proxy, 'app.example', path)).toBe(expected);
    });

    it('passes path and query to the backend unchanged', async () => {
      // A raw request: Node's client would normalize the dot segments before sending.
      const target = '/api/v2/a%2Fb/../c/./d?x=1&y=%20&z=/..';
      const result = await rawExchange(proxy.port, [requestText(`GET ${target} HTTP/1.1`, ['Host: app.example', 'Connection: close'])]);
      expect(result.responses.map((r) => r.body.toString())).toEqual([`apiV2 ${target}`]);
    });
  });

  it('with no route at all: 404, X-Harp-Error no_route, a request id and a short body', async () => {
    const proxy = await h.proxy();
    await backends(proxy, { only: { host: 'only.example', path: '/' } });
    const res = await send(`${proxy.url}/somewhere`, { headers: { host: 'elsewhere.example' } });
    expect(res.status).toBe(404);
    expect(res.headers['x-harp-error']).toBe('no_route');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body.toString()).toMatch(/^404 no backend is registered/);
  });

  it('a route disappears with its agent, and the next most specific one takes over', async () => {
    // Without a grace the route goes with its last member (route-grace.e2e-spec.ts: with one).
    const proxy = await h.proxy({ routeGraceMs: 0 });
    await backends(proxy, { any: { host: '*', path: '/' } });
    const exact = await h.agent(proxy, (req, res) => res.end(`exact ${req.url}`), { routes: [{ host: 'x.example', path: '/' }] });
    expect(await chosen(proxy, 'x.example', '/')).toBe('exact');
    await exact.close(0);
    await sleep(100);
    expect(await chosen(proxy, 'x.example', '/')).toBe('any');
  });
});

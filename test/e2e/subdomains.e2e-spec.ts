import { startAgent } from '../../src/agent/connect.js';
import type { AgentReady, HarpAgent } from '../../src/agent/harp-agent.js';
import type { AgentRoute, ConnectOptions } from '../../src/agent/agent-options.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';

// Subdomains of the proxy's public domain (docs/protocol.md §7.6): named and generated names
// served end to end, who may hold which, and what no public domain means.

const DOMAIN = 't.example';
const OTHER_KEY = 'other-key-0123456789';
const GENERATED = /^[a-z]+-[a-z]+-[a-km-np-z2-9]{6}\.t\.example$/;

describe('subdomains', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  afterEach(() => h.closeAll());

  /** A proxy with the public domain, the test key (may claim subdomains) and OTHER_KEY with `other`'s rule. */
  const proxy = (other: { subdomains?: boolean } = { subdomains: true }, extra = {}) =>
    h.proxy({ publicDomain: DOMAIN, keys: [{ id: 'other', key: OTHER_KEY, ...other }], ...extra });

  async function agent(
    server: HarpServer,
    routes: AgentRoute[],
    options: Partial<ConnectOptions> & { body?: string } = {},
  ): Promise<{ agent: HarpAgent; ready: AgentReady }> {
    const body = options.body ?? 'hello';
    const { agent, ready } = await startAgent({
      server: server.url,
      key: TEST_KEY,
      handler: (req, res) => res.end(`${body} ${req.headers.host}`),
      routes,
      reconnect: false,
      ...options,
    });
    h.defer(() => agent.close(100));
    return { agent, ready: await ready };
  }

  const get = (server: HarpServer, host: string, path = '/') => send(`${server.url}${path}`, { headers: { host } });

  it('serves a named subdomain and tells the agent its host and public URL', async () => {
    const server = await proxy();
    const { agent: a, ready } = await agent(server, [{ subdomain: 'demo' }]);
    expect(ready.accepted).toEqual([{ host: 'demo.t.example', path: '/', subdomain: 'demo', url: `http://demo.t.example:${server.port}/` }]);
    expect(a.publicUrls).toEqual([`http://demo.t.example:${server.port}/`]);
    expect(ready.rejected).toEqual([]);
    const res = await get(server, 'demo.t.example');
    expect([res.status, res.body.toString()]).toEqual([200, 'hello demo.t.example']);
    expect((await get(server, 'other.t.example')).headers['x-harp-error']).toBe('no_route');
  });

  it('serves a generated name, with a reconnect token, and gives two agents two names', async () => {
    const server = await proxy();
    const first = (await agent(server, [{ subdomain: 'random' }], { body: 'one' })).ready.accepted[0]!;
    const second = (await agent(server, [{ subdomain: 'random' }], { body: 'two' })).ready.accepted[0]!;
    expect(first.host).toMatch(GENERATED);
    expect(second.host).toMatch(GENERATED);
    expect(second.host).not.toBe(first.host);
    expect(first).toMatchObject({ subdomain: 'random', url: `http://${first.host}:${server.port}/` });
    expect(first.token).toMatch(/^v1\./);
    expect((await get(server, first.host)).body.toString()).toBe(`one ${first.host}`);
    expect((await get(server, second.host)).body.toString()).toBe(`two ${second.host}`);
  });

  it('names the URL after the TLS listener when TLS is on', async () => {
    const server = await tls.proxy({ publicDomain: DOMAIN });
    const { ready } = await agent(server, [{ subdomain: 'demo' }]);
    expect(ready.accepted[0]!.url).toBe(`https://demo.t.example:${server.tlsPort}/`);
  });

  it('names the URL after publicUrl when one is configured', async () => {
    const server = await proxy(undefined, { publicUrl: 'https://edge.t.example' });
    const { ready } = await agent(server, [{ subdomain: 'demo', path: '/api' }, { host: '*', path: '/any' }]);
    expect(ready.accepted.map((r) => r.url)).toEqual(['https://demo.t.example/api', 'https://edge.t.example/any']);
  });

  it('refuses a name another key holds, by subdomain or by host, and lets the same key join the pool', async () => {
    const server = await proxy();
    await agent(server, [{ subdomain: 'demo' }], { body: 'a1' });
    const other = await agent(server, [{ subdomain: 'demo' }, { host: 'demo.t.example', path: '/api' }, { subdomain: 'mine' }], { key: OTHER_KEY });
    expect(other.ready.rejected.map((r) => [r.host, r.path, r.code])).toEqual([
      ['demo.t.example', '/', 'route_owned'],
      ['demo.t.example', '/api', 'route_owned'],
    ]);
    expect(other.ready.accepted.map((r) => r.host)).toEqual(['mine.t.example']);
    const again = await agent(server, [{ subdomain: 'demo' }], { body: 'a2' });
    expect(again.ready.accepted).toHaveLength(1);
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await get(server, 'demo.t.example')).body.toString());
    expect(bodies).toEqual(new Set(['a1 demo.t.example', 'a2 demo.t.example']));
  });

  it('keeps a name for its key after its agent left, against another key', async () => {
    // No route grace: what keeps the name is the name's own hold, not the route's.
    const server = await proxy(undefined, { routeGraceMs: 0 });
    const first = await agent(server, [{ subdomain: 'demo' }]);
    await first.agent.close(100);
    await eventually(async () => (await get(server, 'demo.t.example')).status !== 200, 3000, 'the route to go');
    const other = await agent(server, [{ subdomain: 'demo' }], { key: OTHER_KEY });
    expect(other.ready.rejected.map((r) => r.code)).toEqual(['route_owned']);
    expect((await agent(server, [{ subdomain: 'demo' }])).ready.accepted).toHaveLength(1);
  });

  it('refuses subdomains to a key whose rule does not allow them (subdomain_forbidden)', async () => {
    const server = await proxy({});
    const other = await agent(server, [{ subdomain: 'demo' }, { subdomain: 'random' }, { host: 'plain.example', path: '/' }], { key: OTHER_KEY });
    expect(other.ready.rejected.map((r) => [r.subdomain, r.code])).toEqual([
      ['demo', 'subdomain_forbidden'],
      ['random', 'subdomain_forbidden'],
    ]);
    expect(other.ready.accepted.map((r) => r.host)).toEqual(['plain.example']);
  });

  it('refuses every subdomain without a public domain (subdomain_unavailable)', async () => {
    const server = await h.proxy();
    const { ready } = await agent(server, [{ subdomain: 'demo' }, { subdomain: 'random' }, { host: 'app.example', path: '/' }]);
    expect(ready.rejected).toEqual([
      { host: '', path: '/', subdomain: 'demo', code: 'subdomain_unavailable', reason: 'this proxy has no public domain for subdomains (publicDomain)' },
      { host: '', path: '/', subdomain: 'random', code: 'subdomain_unavailable', reason: 'this proxy has no public domain for subdomains (publicDomain)' },
    ]);
    expect(ready.accepted).toEqual([{ host: 'app.example', path: '/', url: `http://app.example:${server.port}/` }]);
  });

  it('refuses names that are no DNS label, reserved names, and generated names asked for by name', async () => {
    const server = await proxy();
    const { ready } = await agent(server, [
      { subdomain: 'Bad_Name' },
      { subdomain: 'www' },
      { subdomain: 'brave-otter-7f3kq2' },
      { host: 'brave-otter-7f3kq2.t.example', path: '/' },
    ]);
    expect(ready.rejected.map((r) => r.code)).toEqual(['subdomain_invalid', 'subdomain_reserved', 'subdomain_reserved', 'subdomain_reserved']);
    expect(ready.accepted).toEqual([]);
  });

  it('gives a generated name back after a lost connection, and to nobody else meanwhile', async () => {
    const server = await proxy();
    const { agent: a, ready } = await agent(server, [{ subdomain: 'random' }], { reconnect: { initialDelayMs: 300, maxDelayMs: 300 } });
    const host = ready.accepted[0]!.host;
    const back = new Promise<AgentReady>((resolve) => a.once('ready', resolve));
    const registration = server.app.get(RegistrationService);
    registration.disconnect(registration.list()[0]!, 'test cuts the connection');
    // Meanwhile another key asks for the name, by host and with a token of its own making.
    const other = await agent(server, [{ host, path: '/' }, { subdomain: 'random', token: ready.accepted[0]!.token! }], { key: OTHER_KEY });
    expect(other.ready.rejected.map((r) => r.code)).toEqual(['subdomain_reserved']);
    expect(other.ready.accepted[0]!.host).not.toBe(host);
    expect((await back).accepted[0]!.host).toBe(host);
    expect((await get(server, host)).body.toString()).toBe(`hello ${host}`);
  });

  it('draws a new name for a token under another secret', async () => {
    const first = await proxy(undefined, { reconnectSecret: 'first-secret-0123456789' });
    const token = (await agent(first, [{ subdomain: 'random' }])).ready.accepted[0]!;
    const second = await proxy(undefined, { reconnectSecret: 'second-secret-012345678' });
    const got = (await agent(second, [{ subdomain: 'random', token: token.token! }])).ready.accepted[0]!;
    expect(got.host).toMatch(GENERATED);
    expect(got.host).not.toBe(token.host);
  });

  it('refuses the fields of the subdomains feature from an agent that did not negotiate it', async () => {
    const server = await proxy();
    await expect(startAgent({ server: server.url, key: TEST_KEY, upstream: 'http://127.0.0.1:1', routes: [{ subdomain: 'x' }], features: ['interim'] })).rejects.toThrow(
      'subdomain and ttl need the subdomains feature',
    );
    await sleep(0);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createH2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';

// `harp start FILE`: the services of an agent file over one connection, as a user runs it.

const OTHER_KEY = 'other-key-9876543210';

describe('harp start', () => {
  const h = new Harness();
  let dir = '';
  const agents: AgentProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'harp-start-'));
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await h.closeAll();
    await rm(dir, { recursive: true, force: true });
  });

  async function file(text: string, name = 'harp.yml'): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('serves two services over one connection, each upstream getting its own transforms', async () => {
    const proxy = await h.proxy();
    const api = await recordingUpstream(h);
    const web = await recordingUpstream(h);
    const path = await file(`
server: ${proxy.url}
key: \${AGENT_KEY}
services:
  - name: api
    domain: api.test
    path: /api
    upstream: \${API_PORT}
    stripPrefix: true
    addHeaders: { X-Api-Key: "\${API_TOKEN}" }
    removeHeaders: [Cookie]
    hostHeader: api.internal
  - name: web
    upstream: ${web.url}
    removeHeaders: [x-drop]
    addHeaders: { X-Service: web }
`);
    const agent = await AgentProcess.startFile(path, { AGENT_KEY: TEST_KEY, API_PORT: new URL(api.url).port, API_TOKEN: 'from-env' });
    agents.push(agent);
    await eventually(() => agent.out.split('\n').length > 2, 5000, 'both Forwarding lines');
    expect(agent.out.split('\n').slice(0, 2)).toEqual([
      `Forwarding http://api.test:${proxy.port}/api -> ${api.url} (api)`,
      `Forwarding http://127.0.0.1:${proxy.port}/ -> ${web.url} (web)`,
    ]);
    expect(proxy.app.get(RegistrationService).list()).toHaveLength(1);

    const client = { 'X-Api-Key': 'from-client', Cookie: 'session=1', 'X-Drop': 'x', 'X-Kept': 'yes' };
    expect((await send(`${proxy.url}/api/users?page=2`, { headers: { host: 'api.test', ...client } })).status).toBe(200);
    expect((await send(`${proxy.url}/api?q`, { headers: { host: 'api.test' } })).status).toBe(200);
    expect((await send(`${proxy.url}/page?x=1`, { headers: { host: 'other.test', ...client } })).status).toBe(200);
    // The api's prefix on another host, and another path on its host, are the site's.
    expect((await send(`${proxy.url}/api/users`, { headers: { host: 'other.test' } })).status).toBe(200);
    expect((await send(`${proxy.url}/apix`, { headers: { host: 'api.test' } })).status).toBe(200);

    const [users, bare] = await api.settled(2);
    expect([users!.url, bare!.url]).toEqual(['/users?page=2', '/?q']);
    expect(users!.headers).toMatchObject({ host: 'api.internal', 'x-api-key': 'from-env', 'x-drop': 'x', 'x-kept': 'yes' });
    expect(users!.headers.cookie).toBeUndefined();
    expect(users!.rawHeaders.filter((name) => name.toLowerCase() === 'x-api-key')).toHaveLength(1);

    const pages = await web.settled(3);
    expect(pages.map((r) => [r.url, r.headers.host])).toEqual([
      ['/page?x=1', 'other.test'],
      ['/api/users', 'other.test'],
      ['/apix', 'api.test'],
    ]);
    expect(pages[0]!.headers).toMatchObject({ 'x-service': 'web', cookie: 'session=1', 'x-api-key': 'from-client' });
    expect(pages[0]!.headers['x-drop']).toBeUndefined();
    // The request log shows what the public asked for.
    await eventually(() => agent.out.includes('GET /api/users?page=2 200'), 5000, 'the request log');
  }, 30_000);

  it('prints JSON events with --log-format json, each route with its own service\'s upstream', async () => {
    const proxy = await h.proxy();
    const api = await recordingUpstream(h);
    const web = await recordingUpstream(h);
    const path = await file(`
server: ${proxy.url}
key: ${TEST_KEY}
services:
  - { name: api, domain: api.test, upstream: ${api.url} }
  - { name: web, domain: web.test, upstream: ${web.url} }
`);
    const agent = AgentProcess.spawn(['start', path, '--log-format', 'json']);
    agents.push(agent);
    const events = (): Array<Record<string, unknown>> => agent.out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    await eventually(() => events().some((e) => e.event === 'routes'), 10_000, 'the routes event');
    const routes = events().find((e) => e.event === 'routes')!.routes as Array<{ host: string; upstream: string }>;
    expect(Object.fromEntries(routes.map((r) => [r.host, r.upstream]))).toEqual({ 'api.test': api.url, 'web.test': web.url });
    expect((await send(`${proxy.url}/hello`, { headers: { host: 'web.test' } })).status).toBe(200);
    await eventually(() => events().some((e) => e.event === 'request'), 5000, 'the request event');
    expect(events().find((e) => e.event === 'request')).toMatchObject({ method: 'GET', path: '/hello', status: 200 });
    expect(agent.out).not.toContain('Forwarding');
  });

  it('serves a generated subdomain beside a named host, each from its own upstream, and exits 0 when every ttl passed', async () => {
    const proxy = await h.proxy({ publicDomain: 'tunnel.test' });
    const temp = await recordingUpstream(h);
    const site = await recordingUpstream(h);
    const path = await file(`
server: ${proxy.url}
key: ${TEST_KEY}
services:
  - { name: demo, subdomain: random, ttl: 3s, upstream: ${temp.url}, addHeaders: { X-Service: demo } }
  - { name: site, domain: site.test, ttl: 3s, upstream: ${site.url} }
`);
    const agent = await AgentProcess.startFile(path);
    agents.push(agent);
    await eventually(() => agent.out.split('\n').length > 2, 5000, 'both Forwarding lines');
    const demoUrl = /^Forwarding (\S+) -> \S+ \(demo\)$/m.exec(agent.out)?.[1];
    expect(demoUrl).toMatch(new RegExp(`^http://[a-z]+-[a-z]+-[a-z0-9]{6}\\.tunnel\\.test:${proxy.port}/$`));
    expect(agent.out).toContain(`Forwarding http://site.test:${proxy.port}/ -> ${site.url} (site)`);

    // The agent finds each request's route among those the proxy accepted: the generated host too.
    expect((await send(`${proxy.url}/x`, { headers: { host: new URL(demoUrl!).hostname } })).status).toBe(200);
    expect((await send(`${proxy.url}/y`, { headers: { host: 'site.test' } })).status).toBe(200);
    const [demoRequest] = await temp.settled(1);
    const [siteRequest] = await site.settled(1);
    expect([demoRequest!.url, demoRequest!.headers['x-service']]).toEqual(['/x', 'demo']);
    expect(siteRequest!.url).toBe('/y');

    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.err).toContain('harp: every route reached the end of its ttl; exiting\n');
  });

  it('exits 2 naming the service and key of a mistake in the file, and the file when it is missing', async () => {
    const path = await file('services:\n  - { name: web, upstream: 3000 }\n  - { name: api, upstream: localhost }\n', 'wrong.yml');
    const wrong = AgentProcess.spawn(['start', path], { HARP_KEY: TEST_KEY });
    expect((await wrong.exited).code).toBe(2);
    expect(wrong.err).toBe(
      `harp: ${path}: services[1] (api): upstream: expected a port or URL (3000, http://127.0.0.1:3000)\n` +
        'Run "harp start --help" for usage.\n',
    );
    // Without a FILE, ./harp.yml.
    const missing = AgentProcess.spawn(['start'], { HARP_KEY: TEST_KEY }, dir);
    expect((await missing.exited).code).toBe(2);
    expect(missing.err).toBe('harp: harp.yml: no such file (run "harp start --help" for what it holds)\nRun "harp start --help" for usage.\n');
  }, 30_000);

  /** `harp start` in this process, stopped (and awaited) after the test. */
  function startCli(path: string) {
    const run = { out: '', err: '', stop: new AbortController() };
    const write = (to: 'out' | 'err') => ({ write: (s: string) => (run[to] += s) });
    const code = runCli(['start', path], { stdout: write('out'), stderr: write('err'), env: {}, exit: run.stop.signal });
    h.defer(() => code);
    h.defer(() => run.stop.abort());
    return Object.assign(run, { code });
  }

  it('speaks HTTP/2 to the services that ask for it (h2) and HTTP/1.1 to the others, on one connection', async () => {
    const proxy = await h.proxy();
    const h2 = createH2Server((req, res) => res.end(`h2 upstream saw HTTP/${req.httpVersion} ${req.url}`));
    await new Promise<void>((resolve) => h2.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise<void>((resolve) => h2.close(() => resolve())));
    const h1 = await h.upstream((req, res) => res.end(`h1 upstream saw HTTP/${req.httpVersion} ${req.url}`));
    const path = await file(`
server: ${proxy.url}
key: ${TEST_KEY}
services:
  - { name: grpc, path: /grpc, upstream: ${(h2.address() as AddressInfo).port}, h2: true, stripPrefix: true }
  - { name: site, upstream: ${h1.url} }
`);
    const run = startCli(path);
    await eventually(() => run.out.includes('(site)'), 5000, 'the public URLs');
    expect((await send(`${proxy.url}/grpc/Echo`)).body.toString()).toBe('h2 upstream saw HTTP/2.0 /Echo');
    expect((await send(`${proxy.url}/page`)).body.toString()).toBe('h1 upstream saw HTTP/1.1 /page');
  });

  it('names the service whose route the proxy refuses, and serves the others', async () => {
    const proxy = await h.proxy({ keys: [{ id: 'other', key: OTHER_KEY, hosts: ['.*'], paths: ['.*'] }] });
    const theirs = await h.upstream((_req, res) => res.end('theirs'));
    const mine = await h.upstream((_req, res) => res.end('mine'));
    await h.agent(proxy, theirs.url, { key: OTHER_KEY, routes: [{ host: 'taken.test', path: '/' }] });
    const path = await file(`
server: ${proxy.url}
key: ${TEST_KEY}
services:
  - { name: taken, domain: taken.test, upstream: ${mine.url} }
  - { name: free, domain: free.test, upstream: ${mine.url} }
`);
    const run = startCli(path);
    await eventually(() => run.out.includes('Forwarding'), 5000, 'the public URL');
    expect(run.err).toMatch(/^harp: service taken: the proxy refused the route taken\.test\/: .*another key \(route_owned\)\n$/);
    expect(run.out).toBe(`Forwarding http://free.test:${proxy.port}/ -> ${mine.url} (free)\n`);
    expect((await send(`${proxy.url}/`, { headers: { host: 'free.test' } })).body.toString()).toBe('mine');
    expect((await send(`${proxy.url}/`, { headers: { host: 'taken.test' } })).body.toString()).toBe('theirs');
    run.stop.abort();
    expect(await run.code).toBe(0);
  });
});

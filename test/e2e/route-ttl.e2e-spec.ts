import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../../src/agent/connect.js';
import type { AgentReady } from '../../src/agent/harp-agent.js';
import { runCli } from '../../src/cli/main.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { closedPort } from '../helpers/ports.js';
import { startProxyProcess } from '../helpers/proxy-process.js';
import type { ProxyProcess } from '../helpers/proxy-process.js';

// Temporary services and stable URLs (docs/protocol.md §7.6): a route's ttl ends it while its
// requests in flight finish; `harp http --ttl` exits 0 then; a generated name survives a proxy
// restart with its token, and `--reuse-url` keeps it across runs.

const DOMAIN = 't.example';
const OTHER_KEY = 'other-key-0123456789';
const URL_LINE = /^Forwarding (http:\/\/[a-z]+-[a-z]+-[a-z0-9]{6}\.t\.example:\d+\/) -> /;

describe('route lifetimes', () => {
  const h = new Harness();
  const processes: ProxyProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) p.child.kill('SIGKILL');
    await h.closeAll();
  });

  it('ends a route at its ttl: the request in flight finishes, the next gets no_route, the agent hears expired', async () => {
    const proxy = await h.proxy({ publicDomain: DOMAIN });
    const { agent, ready } = await startAgent({
      server: proxy.url,
      key: TEST_KEY,
      handler: (req, res) => {
        if (req.url === '/slow') setTimeout(() => res.end('finished'), 1500);
        else res.end('quick');
      },
      routes: [{ subdomain: 'demo', ttl: '1s' }],
      reconnect: false,
    });
    h.defer(() => agent.close(100));
    const expired = new Promise<{ routes: unknown; allExpired: boolean }>((resolve) => agent.once('expired', resolve));
    expect((await ready).accepted).toMatchObject([{ host: 'demo.t.example', ttlMs: 1000 }]);
    const started = Date.now();
    const slow = send(`${proxy.url}/slow`, { headers: { host: 'demo.t.example' } });
    expect((await send(`${proxy.url}/`, { headers: { host: 'demo.t.example' } })).body.toString()).toBe('quick');

    expect(await expired).toEqual({ routes: [{ host: 'demo.t.example', path: '/' }], allExpired: true, server: proxy.url });
    expect(Date.now() - started).toBeLessThan(1400);
    const after = await send(`${proxy.url}/`, { headers: { host: 'demo.t.example' } });
    expect([after.status, after.headers['x-harp-error']]).toEqual([404, 'no_route']);
    const inFlight = await slow;
    expect([inFlight.status, inFlight.body.toString()]).toEqual([200, 'finished']);
    expect(agent.expired).toBe(true);
    expect(agent.publicUrls).toEqual([]);
  });

  it('harp http --ttl prints the URL it got, says when the ttl passed and exits 0', async () => {
    const proxy = await h.proxy({ publicDomain: DOMAIN });
    const upstream = await h.upstream((_req, res) => res.end('hi'));
    const agent = await AgentProcess.start(upstream.url, proxy.url, TEST_KEY, ['--subdomain', 'random', '--ttl', '3s']);
    h.defer(() => agent.stop('SIGKILL'));
    const url = URL_LINE.exec(agent.out)?.[1];
    expect(url).toContain(`.t.example:${proxy.port}/`);
    const host = new URL(url!).hostname;
    expect((await send(`${proxy.url}/`, { headers: { host } })).body.toString()).toBe('hi');
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    expect(agent.err).toContain(`harp: the proxy ended the route ${host}/: its ttl has passed\n`);
    expect(agent.err).toContain('harp: every route reached the end of its ttl; exiting\n');
    expect((await send(`${proxy.url}/`, { headers: { host } })).headers['x-harp-error']).toBe('no_route');
  });

  it('harp http --log-format json reports the generated URL with its upstream, the expiry and the stop', async () => {
    const proxy = await h.proxy({ publicDomain: DOMAIN });
    const upstream = await h.upstream((_req, res) => res.end('hi'));
    const agent = AgentProcess.spawn(['http', upstream.url, '--server', proxy.url, '--key', TEST_KEY, '--subdomain', 'random', '--ttl', '2s', '--log-format', 'json']);
    h.defer(() => agent.stop('SIGKILL'));
    const events = (): Array<Record<string, unknown>> => agent.out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(await agent.exited).toEqual({ code: 0, signal: null });
    const [routes] = events().filter((e) => e.event === 'routes').map((e) => e.routes as Array<Record<string, string>>);
    expect(routes).toEqual([{ url: expect.stringMatching(/^http:\/\/[a-z]+-[a-z]+-[a-z0-9]{6}\.t\.example:\d+\/$/), upstream: upstream.url, host: expect.any(String), path: '/' }]);
    expect(events().filter((e) => e.event === 'expired')).toEqual([
      expect.objectContaining({ routes: [{ host: routes![0]!.host, path: '/' }], allExpired: true }),
    ]);
    expect(events().at(-1)).toMatchObject({ event: 'stopped', exitCode: 0 });
  });

  it('harp http --subdomain exits 2 with the reason when the proxy has no public domain', async () => {
    const proxy = await h.proxy();
    const output = { out: '', err: '' };
    const code = await runCli(['http', '3000', '--server', proxy.url, '--key', TEST_KEY, '--subdomain', 'demo', '--ttl', '1h'], {
      stdout: { write: (s: string) => (output.out += s) },
      stderr: { write: (s: string) => (output.err += s) },
      env: {},
    });
    expect([code, output.out]).toEqual([2, '']);
    expect(output.err).toBe(
      'harp: the proxy refused the route subdomain demo: this proxy has no public domain for subdomains (publicDomain) (subdomain_unavailable)\n',
    );
  });

  it('gives a generated name back after a restart of the proxy, never to another key', async () => {
    const port = await closedPort();
    const env = { HARP_PORT: String(port), HARP_PUBLIC_DOMAIN: DOMAIN, HARP_KEYS: JSON.stringify([{ id: 'other', key: OTHER_KEY, subdomains: true }]) };
    const first = await startProxyProcess(env);
    processes.push(first);
    const { agent, ready } = await startAgent({
      server: first.url,
      key: TEST_KEY,
      handler: (_req, res) => res.end('still here'),
      routes: [{ subdomain: 'random' }],
      reconnect: { initialDelayMs: 300, maxDelayMs: 600 },
    });
    h.defer(() => agent.close(100));
    const host = (await ready).accepted[0]!.host;
    const back = new Promise<AgentReady>((resolve) => agent.once('ready', resolve));

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startProxyProcess(env);
    processes.push(second);
    const { agent: other, ready: otherReady } = await startAgent({
      server: second.url,
      key: OTHER_KEY,
      handler: (_req, res) => res.end('other'),
      routes: [{ host, path: '/' }],
      reconnect: false,
    });
    h.defer(() => other.close(100));
    expect((await otherReady).rejected.map((r) => r.code)).toEqual(['subdomain_reserved']);

    expect((await back).accepted[0]!.host).toBe(host);
    expect((await send(`${second.url}/`, { headers: { host } })).body.toString()).toBe('still here');
  });

  it('harp http --reuse-url gets the same generated name on its next run; without it, a new one', async () => {
    const proxy = await h.proxy({ publicDomain: DOMAIN });
    const upstream = await h.upstream((_req, res) => res.end('hi'));
    const state = mkdtempSync(join(tmpdir(), 'harp-reuse-'));
    h.defer(() => rmSync(state, { recursive: true, force: true }));
    const run = async (...flags: string[]): Promise<string> => {
      const output = { out: '', err: '' };
      const stop = new AbortController();
      const code = runCli(['http', upstream.url, '--server', proxy.url, '--key', TEST_KEY, '--subdomain', 'random', ...flags], {
        stdout: { write: (s: string) => (output.out += s) },
        stderr: { write: (s: string) => (output.err += s) },
        env: { XDG_STATE_HOME: state },
        exit: stop.signal,
      });
      await eventually(() => output.out.includes('Forwarding'), 5000, 'the public URL');
      stop.abort();
      expect(await code).toBe(0);
      return URL_LINE.exec(output.out)![1]!;
    };
    const first = await run('--reuse-url');
    expect(await run('--reuse-url')).toBe(first);
    expect(await run()).not.toBe(first);
  });
});

import { spawn } from 'node:child_process';
import { eventually } from '../helpers/eventually.js';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

const OTHER_KEY = 'other-key-9876543210';

/** `runCli` in-process, with its output collected and a controller standing in for Ctrl-C. */
function startCli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const run = { out: '', err: '', stop: new AbortController(), code: undefined as Promise<number> | undefined };
  run.code = runCli(argv, {
    stdout: { write: (s: string) => (run.out += s) },
    stderr: { write: (s: string) => (run.err += s) },
    env,
    exit: run.stop.signal,
  });
  return run as typeof run & { code: Promise<number> };
}

describe('harp http', () => {
  const h = new Harness();
  const stops: AbortController[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) stop.abort();
    await h.closeAll();
  });

  function cli(argv: string[], env?: NodeJS.ProcessEnv) {
    const run = startCli(argv, env);
    stops.push(run.stop);
    h.defer(() => run.code);
    return run;
  }

  it('prints the public URL, logs each request, and exits 0 when stopped', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => res.writeHead(req.url === '/missing' ? 404 : 200).end('hi'));
    const run = cli(['http', upstream.url, '--server', proxy.url], { HARP_KEY: TEST_KEY });
    await eventually(() => run.out.includes('Forwarding'), 5000, 'the public URL');
    expect(run.out).toBe(`Forwarding http://127.0.0.1:${proxy.port}/ -> ${upstream.url}\n`);

    expect((await send(`${proxy.url}/hello?x=1`)).status).toBe(200);
    expect((await send(`${proxy.url}/missing`, { method: 'POST', body: 'x' })).status).toBe(404);
    await eventually(() => run.out.split('\n').length > 3, 5000, 'two log lines');
    const log = run.out.split('\n').slice(1, 3);
    expect(log[0]).toMatch(/^GET \/hello\?x=1 200 \d+(\.\d)?ms$/);
    expect(log[1]).toMatch(/^POST \/missing 404 \d+(\.\d)?ms$/);

    run.stop.abort();
    expect(await run.code).toBe(0);
    expect(run.err).toBe('');
    // The agent drained on its way out: the proxy no longer sends it anything.
    expect((await send(`${proxy.url}/hello`)).headers['x-harp-error']).toMatch(/^(no_route|no_backend)$/);
  });

  it('serves a domain and path prefix and prints their URL on the proxy port', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => res.end(req.headers.host));
    const run = cli(['http', upstream.url, '--server', proxy.url, '--key', TEST_KEY, '--domain', 'app.test', '--path', '/api']);
    await eventually(() => run.out.includes('Forwarding'), 5000, 'the public URL');
    expect(run.out).toBe(`Forwarding http://app.test:${proxy.port}/api -> ${upstream.url}\n`);
    expect((await send(`${proxy.url}/api/x`, { headers: { host: 'app.test' } })).status).toBe(200);
    expect((await send(`${proxy.url}/api/x`, { headers: { host: 'other.test' } })).status).toBe(404);
    await eventually(() => run.out.includes('GET /api/x 200'), 5000, 'a log line');
  });

  it('exits 2 with the proxy\'s reason on stderr when the key is rejected', async () => {
    const proxy = await h.proxy();
    const run = cli(['http', '3000', '--server', proxy.url, '--key', 'not-the-key']);
    expect(await run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toBe('harp: the proxy rejected the key: the key is not accepted by this proxy (key_rejected)\n');
  });

  it('exits 2 with each reason when every route is owned by another key', async () => {
    const proxy = await h.proxy({ keys: [{ id: 'other', key: OTHER_KEY, hosts: ['.*'], paths: ['.*'] }] });
    const upstream = await h.upstream((_req, res) => res.end('theirs'));
    await h.agent(proxy, upstream.url, { key: OTHER_KEY, routes: [{ host: '*', path: '/' }] });
    const run = cli(['http', '3000', '--server', proxy.url, '--key', TEST_KEY]);
    expect(await run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^harp: the proxy refused the route \*\/: .*another key \(route_owned\)\n$/);
    expect((await send(`${proxy.url}/`)).body.toString()).toBe('theirs');
  });

  it('exits 1, without reconnecting, when the proxy drains the agent', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const run = cli(['http', upstream.url, '--server', proxy.url, '--key', TEST_KEY]);
    await eventually(() => run.out.includes('Forwarding'), 5000, 'the public URL');
    const registration = proxy.app.get(RegistrationService);
    registration.drain(registration.list()[0]!, 'maintenance');
    expect(await run.code).toBe(1);
    expect(run.err).toBe('harp: the proxy asked this agent to stop (maintenance); finishing requests in flight\n');
  });

  it('reports a lost connection and registers again when the proxy is back', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const argv = ['http', upstream.url, '--server', proxy.url, '--key', TEST_KEY];
    const run = cli(argv);
    await eventually(() => run.out.includes('Forwarding'), 5000, 'the public URL');
    await proxy.close();
    await eventually(() => run.err.includes('lost the connection'), 5000, 'the lost connection');
    expect(run.err).toMatch(/^harp: lost the connection to http:\/\/127\.0\.0\.1:\d+ \(proxy shutting down\); retrying in \d+\.\ds\n/);
    const again = await h.proxy({ port: proxy.port });
    await eventually(() => run.err.includes('reconnected'), 10_000, 'the reconnect');
    expect((await send(`${again.url}/`)).body.toString()).toBe('ok');
  });

  it('with two proxies prints the Forwarding lines once, then one line per further proxy and per lost or regained connection', async () => {
    const a = await h.proxy();
    const b = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const run = cli(['http', upstream.url, '--server', `${a.url},${b.url}`, '--key', TEST_KEY]);
    await eventually(() => run.out.includes('Forwarding') && run.err.includes('also registered'), 5000, 'both registrations');
    // Whichever proxy registered first names the public URL; the other gets one line.
    const [first, second] = run.out.includes(`:${a.port}/`) ? [a, b] : [b, a];
    expect(run.out).toBe(`Forwarding http://127.0.0.1:${first.port}/ -> ${upstream.url}\n`);
    expect(run.err).toBe(`harp: also registered on ${second.url}\n`);
    expect((await send(`${a.url}/`)).body.toString()).toBe('ok');
    expect((await send(`${b.url}/`)).body.toString()).toBe('ok');

    await b.close();
    await eventually(() => run.err.includes('lost the connection'), 5000, 'the lost connection');
    expect(run.err.split('\n')[1]).toMatch(new RegExp(`^harp: lost the connection to ${b.url} \\(proxy shutting down\\); retrying in \\d+\\.\\ds$`));
    expect((await send(`${a.url}/`)).body.toString()).toBe('ok');
    await h.proxy({ port: b.port });
    await eventually(() => run.err.includes('reconnected'), 10_000, 'the reconnect');
    expect(run.err).toContain(`harp: reconnected to ${b.url}\n`);
    expect(run.err).not.toMatch(new RegExp(`to ${a.url.replace(/\./g, '\\.')}\\b`));
    run.stop.abort();
    expect(await run.code).toBe(0);
  }, 20_000);
});

describe('the harp process', () => {
  const h = new Harness();
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    child = undefined;
    await h.closeAll();
  });

  // Builds nothing: tsx runs the same entry that bin/harp.js loads from dist/.
  it('exits with status 2 when the proxy rejects the key', async () => {
    const proxy = await h.proxy();
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const argv = ['--import', 'tsx', 'src/cli/bin-entry.ts', 'http', '3000', '--server', proxy.url, '--key', 'wrong'];
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', HARP_KEY: '' };
    const proc = spawn(process.execPath, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('the key is not accepted by this proxy');
  }, 20_000);
});

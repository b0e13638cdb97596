import { runCli } from '../../src/cli/main.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

interface LogEvent {
  time: string;
  event: string;
  [field: string]: unknown;
}

/** `harp http --log-format json` in-process (not a terminal), its stdout read as JSON lines. */
function startJson(argv: string[]) {
  const run = { out: '', err: '', stop: new AbortController(), code: undefined as unknown as Promise<number> };
  run.code = runCli(['http', ...argv, '--log-format', 'json'], {
    stdout: { write: (s: string) => (run.out += s) },
    stderr: { write: (s: string) => (run.err += s) },
    env: {},
    exit: run.stop.signal,
  });
  const events = (): LogEvent[] => run.out.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogEvent);
  return { run, events };
}

describe('harp http --log-format json', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('prints one JSON object per line: connection states, the routes with their URLs, each request, the stop', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => res.writeHead(req.url === '/missing' ? 404 : 200).end('hello'));
    const { run, events } = startJson([upstream.url, '--server', proxy.url, '--key', TEST_KEY]);
    h.defer(() => run.code);
    await eventually(() => events().some((e) => e.state === 'online'), 5000, 'the agent to be online');
    const hello = await send(`${proxy.url}/hello?x=1`);
    await send(`${proxy.url}/missing`, { method: 'POST', body: 'x' });
    await eventually(() => events().filter((e) => e.event === 'request').length === 2, 5000, 'two request events');
    run.stop.abort();
    expect(await run.code).toBe(0);
    expect(run.err).toBe('');

    const log = events();
    for (const e of log) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    expect(log.map((e) => e.event)).toEqual(['connection', 'routes', 'connection', 'request', 'request', 'stopped']);
    expect(log[0]).toMatchObject({ event: 'connection', server: proxy.url, state: 'connecting' });
    expect(log[1]).toMatchObject({
      event: 'routes',
      server: proxy.url,
      routes: [{ url: `http://127.0.0.1:${proxy.port}/`, upstream: upstream.url, host: '*', path: '/' }],
      rejected: [],
    });
    expect(log[2]).toMatchObject({ event: 'connection', state: 'online' });
    expect(log[3]).toMatchObject({ method: 'GET', path: '/hello?x=1', status: 200, bytes: 5, requestId: hello.headers['x-request-id'] });
    expect(log[4]).toMatchObject({ method: 'POST', path: '/missing', status: 404, bytes: 5 });
    expect(typeof log[3]!.durationMs).toBe('number');
    expect(log[5]).toMatchObject({ event: 'stopped', exitCode: 0 });
  });

  it('reports a rejected key as an error and the connection offline, and exits 2', async () => {
    const proxy = await h.proxy();
    const { run, events } = startJson(['3000', '--server', proxy.url, '--key', 'not-the-key']);
    expect(await run.code).toBe(2);
    expect(run.err).toBe('');
    expect(events().slice(1)).toMatchObject([
      { event: 'error', server: proxy.url, code: 'key_rejected', message: 'the proxy rejected the key: the key is not accepted by this proxy' },
      { event: 'connection', server: proxy.url, state: 'offline', reason: 'key rejected' },
      { event: 'stopped', exitCode: 2 },
    ]);
  });

  it('reports a lost connection as reconnecting, with the delay and the reason', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const { run, events } = startJson([upstream.url, '--server', proxy.url, '--key', TEST_KEY]);
    h.defer(() => (run.stop.abort(), run.code));
    await eventually(() => events().some((e) => e.state === 'online'), 5000, 'the agent to be online');
    await proxy.close();
    await eventually(() => events().some((e) => e.state === 'reconnecting'), 5000, 'the lost connection');
    const lost = events().find((e) => e.state === 'reconnecting')!;
    expect(lost).toMatchObject({ event: 'connection', server: proxy.url, reason: 'proxy shutting down' });
    expect(lost.retryInMs).toEqual(expect.any(Number));
  });
});

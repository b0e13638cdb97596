import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { plainText, PtyProcess } from '../helpers/pty-process.js';

// `harp http` on a terminal (util-linux `script` is the pseudo-terminal), against a real proxy
// and upstream: the live status block under the request lines, Ctrl-C once and twice.
describe('harp http on a terminal', () => {
  const h = new Harness();
  const terminals: PtyProcess[] = [];
  afterEach(async () => {
    for (const t of terminals.splice(0)) t.kill();
    await h.closeAll();
  });

  function harpHttp(upstream: string, proxyUrl: string, extra: string[] = [], options: { columns?: number; env?: NodeJS.ProcessEnv } = {}): PtyProcess {
    const terminal = PtyProcess.harp(['http', upstream, '--server', proxyUrl, '--key', TEST_KEY, ...extra], options);
    terminals.push(terminal);
    return terminal;
  }

  /** The text of the block's last drawing: from its last rule to the end. */
  const lastBlock = (terminal: PtyProcess): string => terminal.text.slice(terminal.text.lastIndexOf('─'.repeat(20)));

  it('shows the state, the public URL, the request count and latency under the request lines; the first Ctrl-C drains and exits 0', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => res.writeHead(req.url === '/missing' ? 404 : 200).end('hi'));
    const terminal = harpHttp(upstream.url, proxy.url);
    await eventually(() => terminal.text.includes('online'), 20_000, 'the agent to register');
    expect(lastBlock(terminal)).toContain(`Forwarding  http://127.0.0.1:${proxy.port}/ -> ${upstream.url}`);
    expect(lastBlock(terminal)).toContain(`Server      ${proxy.url}  online`);

    expect((await send(`${proxy.url}/hello`)).status).toBe(200);
    expect((await send(`${proxy.url}/missing`)).status).toBe(404);
    expect((await send(`${proxy.url}/again`)).status).toBe(200);
    await eventually(() => /Requests\s+3 total/.test(lastBlock(terminal)), 5000, 'the block to count three requests');
    const block = lastBlock(terminal);
    expect(block).toMatch(/Requests {4}3 total · 0 in flight · \d+\.\d req\/s/);
    expect(block).toMatch(/Latency {5}p50 \d+(\.\d)?ms · p90 \d+(\.\d)?ms/);
    // The request lines scroll above the block, as harp http prints them off a terminal.
    expect(terminal.text).toMatch(/GET \/hello 200 \d+(\.\d)?ms\n/);
    expect(terminal.text).toMatch(/GET \/missing 404 \d+(\.\d)?ms\n/);
    expect(terminal.text.indexOf('GET /again 200')).toBeLessThan(terminal.text.lastIndexOf('Requests'));
    // Colour by default; the cursor hidden while the block lives.
    expect(terminal.out).toContain('\x1b[32monline\x1b[39m');
    expect(terminal.out).toContain('GET /missing \x1b[33m404\x1b[39m');
    expect(terminal.out).toContain('\x1b[?25l');

    terminal.type('\x03');
    expect((await terminal.exited).code).toBe(0);
    expect(terminal.text).toContain('harp: stopping: no request in flight (Ctrl-C again to quit now)');
    // Left clean: the cursor shown again after the last drawing, which says the agent stopped.
    expect(terminal.out.endsWith('\x1b[?25h')).toBe(true);
    expect(lastBlock(terminal)).toContain(`Server      ${proxy.url}  offline (stopped)`);
    expect(lastBlock(terminal)).toContain('harp http  stopped');
    expect((await send(`${proxy.url}/hello`)).headers['x-harp-error']).toMatch(/^(no_route|no_backend)$/);
  }, 40_000);

  it('lets a request in flight finish after the first Ctrl-C, and quits at once with 130 on the second', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 1500);
      else if (req.url === '/stuck') res.write('never ends');
      else res.end('ok');
    });
    const terminal = harpHttp(upstream.url, proxy.url);
    await eventually(() => terminal.text.includes('online'), 20_000, 'the agent to register');

    const slow = send(`${proxy.url}/slow`);
    await eventually(() => /1 in flight/.test(lastBlock(terminal)), 5000, 'the block to show one request in flight');
    terminal.type('\x03');
    await eventually(() => terminal.text.includes('harp: stopping: finishing 1 request in flight'), 5000, 'the stopping line');
    expect((await slow).body.toString()).toBe('late');
    expect((await terminal.exited).code).toBe(0);

    const again = harpHttp(upstream.url, proxy.url);
    await eventually(() => again.text.includes('online'), 20_000, 'the second agent to register');
    void send(`${proxy.url}/stuck`).catch(() => undefined);
    await eventually(() => /1 in flight/.test(lastBlock(again)), 5000, 'the stuck request in flight');
    again.type('\x03');
    await eventually(() => again.text.includes('stopping: finishing 1 request'), 5000, 'the stopping line');
    const asked = Date.now();
    again.type('\x03');
    expect((await again.exited).code).toBe(130);
    // Well before the 5 s the first Ctrl-C gives requests in flight.
    expect(Date.now() - asked).toBeLessThan(3000);
    expect(again.out.endsWith('\x1b[?25h')).toBe(true);
  }, 60_000);

  it('cuts the block to a narrow terminal, and leaves colour out under NO_COLOR', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const terminal = harpHttp(upstream.url, proxy.url, ['--domain', 'a-rather-long-host-name.example.test'], { columns: 32, env: { NO_COLOR: '1' } });
    await eventually(() => terminal.text.includes('online'), 20_000, 'the agent to register');
    await eventually(() => lastBlock(terminal).includes('Latency'), 5000, 'a whole drawing');
    const lines = lastBlock(terminal).split('\n').filter((l) => l !== '');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(31);
    expect(lines.find((l) => l.startsWith('Forwarding'))).toMatch(/^Forwarding {2}http:\/\/a-rather-.*…$/);
    expect(lines.find((l) => l.startsWith('Server'))).toMatch(/… {2}online$/);
    await send(`${proxy.url}/`, { headers: { host: 'a-rather-long-host-name.example.test' } });
    await eventually(() => terminal.text.includes('GET / 200'), 5000, 'a request line');
    for (const colour of ['31', '32', '33', '36']) expect(terminal.out).not.toContain(`\x1b[${colour}m`);
    terminal.type('\x03');
    expect((await terminal.exited).code).toBe(0);
  }, 40_000);

  it('prints JSON lines and no status block with --log-format json, even on a terminal', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const terminal = harpHttp(upstream.url, proxy.url, ['--log-format', 'json']);
    await eventually(() => terminal.text.includes('"state":"online"'), 20_000, 'the agent to register');
    expect((await send(`${proxy.url}/j`, { headers: { 'x-request-id': 'json-on-a-tty' } })).status).toBe(200);
    await eventually(() => terminal.text.includes('json-on-a-tty'), 5000, 'the request event');
    terminal.type('\x03');
    expect((await terminal.exited).code).toBe(0);
    expect(terminal.out).not.toContain('\x1b[?25l');
    // The terminal echoes the ^C typed; every other line is one JSON object.
    const lines = plainText(terminal.out).split('\n').map((l) => l.replace(/^\^C/, '')).filter((l) => l !== '');
    const events = lines.map((line) => JSON.parse(line) as { event: string; path?: string });
    expect(events.map((e) => e.event)).toEqual(['connection', 'routes', 'connection', 'request', 'stopping', 'stopped']);
    expect(events[3]).toMatchObject({ method: 'GET', path: '/j', status: 200, bytes: 2, requestId: 'json-on-a-tty' });
  }, 40_000);
});

import { ConsoleState, upstreamOf } from './console-state.js';
import type { StatusView } from './console-state.js';
import { plainText } from '../../../test/helpers/pty-process.js';
import { renderStatusBlock } from './status-block.js';

const online: StatusView = {
  title: 'harp http',
  now: 10_000,
  connections: [{ label: 'ws://127.0.0.1:8080', connection: { state: 'online' } }],
  forwarding: [{ url: 'http://127.0.0.1:8080/', upstream: 'http://127.0.0.1:3000' }],
  requests: { total: 12, inFlight: 1, perSecond: 2.4, p50: 3.14, p90: 12.4 },
};

const visibleWidth = (line: string): number => [...plainText(line)].length;
const count = (line: string, codes: readonly string[]): number => codes.reduce((n, code) => n + line.split(`\x1b[${code}m`).length - 1, 0);

describe('renderStatusBlock', () => {
  it('draws a rule, the title, each connection, each public URL, the request numbers and the latency', () => {
    expect(renderStatusBlock(online, 72, false)).toEqual([
      '─'.repeat(72),
      'harp http  (Ctrl-C to stop)',
      'Server      ws://127.0.0.1:8080  online',
      'Forwarding  http://127.0.0.1:8080/ -> http://127.0.0.1:3000',
      'Requests    12 total · 1 in flight · 2.4 req/s',
      'Latency     p50 3.1ms · p90 12ms',
    ]);
  });

  it('says what it waits for before the first registration and the first request', () => {
    const view: StatusView = {
      ...online,
      connections: [{ label: 'ws://p:8080', connection: { state: 'connecting' } }],
      forwarding: [],
      requests: { total: 0, inFlight: 0, perSecond: 0 },
    };
    expect(renderStatusBlock(view, 60, false).slice(2)).toEqual([
      'Server      ws://p:8080  connecting',
      'Forwarding  waiting for the proxy',
      'Requests    0 total · 0 in flight · 0.0 req/s',
      'Latency     p50 - · p90 -',
    ]);
  });

  it.each([
    [{ state: 'reconnecting', retryAt: 12_500, reason: 'proxy shutting down' }, 'reconnecting in 3s (proxy shutting down)'],
    [{ state: 'reconnecting', retryAt: 10_001 }, 'reconnecting in 1s'],
    [{ state: 'draining', reason: 'maintenance' }, 'draining (maintenance)'],
    [{ state: 'offline', reason: 'key rejected' }, 'offline (key rejected)'],
    [{ state: 'offline' }, 'offline'],
  ] as const)('words the state %j as "%s"', (connection, words) => {
    const view = { ...online, connections: [{ label: 'ws://p', connection }] };
    expect(renderStatusBlock(view, 80, false)[2]).toBe(`Server      ws://p  ${words}`);
  });

  it('names every connection and every public URL when there are several proxies', () => {
    const view: StatusView = {
      ...online,
      connections: [
        { label: 'ws://a:1', connection: { state: 'online' } },
        { label: 'ws://b:2', connection: { state: 'offline' } },
      ],
      forwarding: [
        { url: 'http://a:1/', upstream: 'http://127.0.0.1:3000' },
        { url: 'http://b:2/', upstream: 'http://127.0.0.1:3000' },
      ],
    };
    expect(renderStatusBlock(view, 80, false).slice(2, 6)).toEqual([
      'Server      ws://a:1  online',
      'Server      ws://b:2  offline',
      'Forwarding  http://a:1/ -> http://127.0.0.1:3000',
      'Forwarding  http://b:2/ -> http://127.0.0.1:3000',
    ]);
  });

  it('says it is stopping after the first Ctrl-C, and how many requests it waits for', () => {
    expect(renderStatusBlock({ ...online, stopping: true }, 100, false)[1]).toBe(
      'harp http  stopping: finishing 1 request in flight (Ctrl-C again to quit now)',
    );
    const idle = { ...online, stopping: true, requests: { ...online.requests, inFlight: 0 } };
    expect(renderStatusBlock(idle, 100, false)[1]).toBe('harp http  stopping: no request in flight (Ctrl-C again to quit now)');
  });

  it('says it stopped in the last drawing, which stays on the screen', () => {
    expect(renderStatusBlock({ ...online, stopping: true, stopped: true }, 100, false)[1]).toBe('harp http  stopped');
    const gone = { ...online, stopped: true, forwarding: [] };
    expect(renderStatusBlock(gone, 100, false)[3]).toBe('Forwarding  none');
  });

  it.each([40, 20, 8, 1])('cuts every line to a terminal %d columns wide, ending a cut one in …', (width) => {
    const lines = renderStatusBlock(online, width, false);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
    expect(lines[3]).toMatch(width > 1 ? /^Forwarding|^Forwardi|^F/ : /^…$/);
    expect(lines[3]!.endsWith('…')).toBe(true);
  });

  it('cuts to the visible width when coloured, and closes every colour it opens', () => {
    const lines = renderStatusBlock(online, 30, true);
    for (const line of lines) expect(visibleWidth(line)).toBeLessThanOrEqual(30);
    // The server's URL gives way first, so that its state stays in view.
    expect(lines[2]).toBe('\x1b[2mServer      \x1b[22mws://127.…  \x1b[32monline\x1b[39m');
    for (const line of lines) expect(count(line, ['31', '32', '33', '1', '2'])).toBe(count(line, ['39', '22']));
  });

  it('colours the state: green online, yellow on the way, red offline; none without colour', () => {
    const coloured = renderStatusBlock(online, 80, true);
    expect(coloured[2]).toContain('\x1b[32monline\x1b[39m');
    const off = { ...online, connections: [{ label: 'ws://p', connection: { state: 'offline' as const } }] };
    expect(renderStatusBlock(off, 80, true)[2]).toContain('\x1b[31moffline\x1b[39m');
    for (const line of renderStatusBlock(online, 80, false)) expect(line).not.toContain('\x1b');
  });
});

describe('ConsoleState', () => {
  const services = [
    { upstream: 'http://127.0.0.1:3000', routes: [{ host: '*', path: '/' }] },
    { upstream: 'http://127.0.0.1:4000', routes: [{ host: 'api.test', path: '/' }] },
  ];

  it('names the upstream of each accepted route from the service that asked for it', () => {
    expect(upstreamOf(services, { host: 'api.test', path: '/' })).toBe('http://127.0.0.1:4000');
    expect(upstreamOf(services, { host: '*', path: '/' })).toBe('http://127.0.0.1:3000');
    expect(upstreamOf(services, { host: 'other', path: '/' })).toBe('http://127.0.0.1:3000');
  });

  it('goes connecting → online with its URLs → reconnecting in Ns → connecting once the delay is over', () => {
    const state = new ConsoleState('harp start', services, ['ws://p:8080'], 0);
    expect(state.view(0).connections).toEqual([{ label: 'ws://p:8080', connection: { state: 'connecting' } }]);
    state.registered('ws://p:8080', 'ws://p:8080', [{ host: '*', path: '/' }, { host: 'api.test', path: '/' }]);
    expect(state.view(1).forwarding).toEqual([
      { url: 'http://p:8080/', upstream: 'http://127.0.0.1:3000' },
      { url: 'http://api.test:8080/', upstream: 'http://127.0.0.1:4000' },
    ]);
    state.withdrawn('ws://p:8080', 'ws://p:8080', [{ host: 'api.test', path: '/' }]);
    expect(state.view(1).forwarding.map((f) => f.url)).toEqual(['http://p:8080/']);
    state.down('ws://p:8080', { state: 'reconnecting', retryAt: 3000 });
    expect(state.view(2000)).toMatchObject({ connections: [{ connection: { state: 'reconnecting', retryAt: 3000 } }], forwarding: [] });
    expect(state.view(3000).connections[0]!.connection).toEqual({ state: 'connecting' });
  });

  it('shows the URL the proxy gave and the upstream of the route by its place, and drops expired routes', () => {
    const state = new ConsoleState('harp start', services, ['ws://p:8080'], 0);
    const generated = { host: 'brave-otter-7f3kq2.tunnel.test', path: '/', url: 'https://brave-otter-7f3kq2.tunnel.test/', subdomain: 'random' };
    // The second service asked for a subdomain: its accepted host names no service, its place does.
    state.registered('ws://p:8080', 'ws://p:8080', [generated], undefined, [1]);
    expect(state.view(1).forwarding).toEqual([{ url: 'https://brave-otter-7f3kq2.tunnel.test/', upstream: 'http://127.0.0.1:4000' }]);
    state.withdrawn('ws://p:8080', 'ws://p:8080', [{ host: generated.host, path: '/' }]);
    expect(state.view(1).forwarding).toEqual([]);
  });

  it('lets the connections of a name\'s addresses stand for the one by name', () => {
    const state = new ConsoleState('harp http', services, ['ws://p:8080'], 0);
    state.registered('ws://p:8080 (10.0.0.1)', 'ws://p:8080', [{ host: '*', path: '/' }], 'ws://p:8080');
    expect(state.view(0).connections.map((c) => c.label)).toEqual(['ws://p:8080 (10.0.0.1)']);
  });

  it('counts requests and says it is stopping', () => {
    const state = new ConsoleState('harp http', services, ['ws://p'], 0);
    state.requestStarted();
    state.requestStarted();
    state.requestEnded(100, 4);
    state.stop();
    expect(state.inFlight(100)).toBe(1);
    expect(state.view(100)).toMatchObject({ stopping: true, requests: { total: 1, inFlight: 1, p50: 4, p90: 4 } });
    state.end();
    expect(state.view(100)).toMatchObject({ stopped: true, connections: [{ connection: { state: 'offline', reason: 'stopped' } }] });
  });
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { connect } from '../../src/agent/connect.js';
import { parseAgentControl, SUBPROTOCOL, type ResponseHead } from '../../src/protocol/index.js';
import { TunnelConnection } from '../../src/tunnel/tunnel-connection.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';

// docs/protocol.md §7.3: an agent that stops keeps serving the streams that arrive between its
// `drain` and the proxy's `draining`, and closes only after both. Pinned with a stand-in proxy
// that sends a request after the agent's drain and confirms late: the race behind the 502s of
// a rolling restart, made to happen every time.

const LIMITS = { windowBytes: 256 * 1024, maxFrameBytes: 64 * 1024, maxStreams: 100 };

/** A proxy side on a real WebSocket, driven by the test. */
async function standInProxy(h: Harness) {
  const server = createServer();
  const wss = new WebSocketServer({ server, handleProtocols: () => SUBPROTOCOL });
  let onDrain: (tunnel: TunnelConnection<'proxy'>) => void = () => undefined;
  const closed: number[] = [];
  wss.on('connection', (socket: WebSocket) => {
    const tunnel = new TunnelConnection(socket, 'proxy', { ...LIMITS });
    socket.on('close', (code) => closed.push(code));
    tunnel.on('control', (raw) => {
      const message = parseAgentControl(raw);
      if (message.type === 'hello') {
        tunnel.sendControl({ type: 'welcome', agentId: 'stand-in', heartbeatMs: 60_000, ...LIMITS });
      } else if (message.type === 'register') {
        tunnel.sendControl({ type: 'registered', id: message.id, accepted: message.routes.map(({ host = '*', path }) => ({ host, path })), rejected: [] });
      } else if (message.type === 'drain') {
        onDrain(tunnel);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.defer(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.close(() => resolve());
      }),
  );
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closed,
    whenDrained: (handler: (tunnel: TunnelConnection<'proxy'>) => void) => (onDrain = handler),
  };
}

describe("an agent's stop waits for the proxy's draining", () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('serves a request that arrives after its drain, before the confirmation', async () => {
    const proxy = await standInProxy(h);
    let answered: ResponseHead | undefined;
    let body = '';
    proxy.whenDrained((tunnel) => {
      // A request the proxy had already sent when it read the drain; the confirmation follows later.
      const stream = tunnel.openStream({ method: 'GET', target: '/late', headers: [['Host', 'a.example']] }, true);
      stream.once('head', (head: ResponseHead) => (answered = head));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      void sleep(200).then(() => tunnel.sendControl({ type: 'draining' }));
    });
    const agent = await connect({
      server: proxy.url,
      key: 'any-key-0123456789',
      handler: (req, res) => setTimeout(() => res.end(`served ${req.url}`), 50),
      reconnect: false,
    });
    const started = performance.now();
    await agent.close(5000);

    expect(answered?.status).toBe(200);
    expect(body).toBe('served /late');
    // It closed after the confirmation (200 ms), not as soon as it had no stream.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    await eventually(() => proxy.closed.length === 1, 2000, 'the connection to close');
    expect(proxy.closed).toEqual([1000]);
  });

  it('does not wait past its grace for a proxy that never confirms', async () => {
    const proxy = await standInProxy(h);
    proxy.whenDrained(() => undefined); // an older proxy: no draining message
    const agent = await connect({ server: proxy.url, key: 'any-key-0123456789', handler: (_req, res) => res.end(), reconnect: false });
    const started = performance.now();
    await agent.close(300);
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
  });
});

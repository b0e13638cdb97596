import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { startAgent } from '../../src/agent/connect.js';
import { parseAgentControl, SUBPROTOCOL } from '../../src/protocol/index.js';
import type { RegisterRouteClaim } from '../../src/protocol/index.js';
import { TunnelConnection } from '../../src/tunnel/tunnel-connection.js';
import { Harness } from '../helpers/harness.js';
import { RawAgent } from '../helpers/raw-agent.js';

// The subdomains feature is negotiated (docs/protocol.md §3.5): an agent that predates it sends
// none of its fields and gets none back; a proxy that predates it is never sent them.

const LIMITS = { windowBytes: 256 * 1024, maxFrameBytes: 64 * 1024, maxStreams: 100 };

describe('the subdomains feature, negotiated', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('an agent without it gets routes without url, and breaks the protocol by sending a ttl', async () => {
    const proxy = await h.proxy({ publicDomain: 't.example' });
    const agent = await RawAgent.connect(proxy.url, [{ host: 'app.example', path: '/' }]);
    h.defer(() => agent.terminate());
    expect(agent.welcome?.features).toBeUndefined();
    agent.sendControl({ type: 'register', id: 2, routes: [{ host: 'b.example', path: '/' }] });
    expect((await agent.nextControl('registered')).accepted).toEqual([{ host: 'b.example', path: '/' }]);
    agent.sendControl({ type: 'register', id: 3, routes: [{ host: 'c.example', path: '/', ttl: '1h' }] });
    expect((await agent.closed).errorCode).toBe('control_bad_message');
  });

  it('an agent that offered only other features gets plain answers', async () => {
    const proxy = await h.proxy({ publicDomain: 't.example' });
    const plain = await RawAgent.connect(proxy.url, [{ host: 'app.example', path: '/' }], { 'Harp-Features': 'interim' });
    h.defer(() => plain.terminate());
    plain.sendControl({ type: 'register', id: 2, routes: [{ host: 'b.example', path: '/' }] });
    expect((await plain.nextControl('registered')).accepted).toEqual([{ host: 'b.example', path: '/' }]);
  });

  it('a proxy without it is never sent a subdomain or a ttl: the agent refuses those routes itself', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server, handleProtocols: () => SUBPROTOCOL });
    const sent: RegisterRouteClaim[][] = [];
    wss.on('connection', (socket: WebSocket) => {
      const tunnel = new TunnelConnection(socket, 'proxy', { ...LIMITS });
      tunnel.on('control', (raw) => {
        const message = parseAgentControl(raw);
        // An older proxy: no `features` in welcome.
        if (message.type === 'hello') tunnel.sendControl({ type: 'welcome', agentId: 'old', heartbeatMs: 60_000, ...LIMITS });
        if (message.type === 'register') {
          sent.push(message.routes);
          tunnel.sendControl({ type: 'registered', id: message.id, accepted: message.routes.map(({ host = '*', path }) => ({ host, path })), rejected: [] });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise<void>((resolve) => (wss.clients.forEach((c) => c.terminate()), wss.close(), server.close(() => resolve()))));
    const { agent, ready } = await startAgent({
      server: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
      key: 'k',
      handler: (_req, res) => res.end(),
      routes: [{ subdomain: 'random' }, { host: 'app.example', path: '/' }, { host: 'temp.example', ttl: '1h' }],
      reconnect: false,
    });
    h.defer(() => agent.close(100));
    const info = await ready;
    expect(sent).toEqual([[{ host: 'app.example', path: '/' }]]);
    expect(info.accepted).toEqual([{ host: 'app.example', path: '/' }]);
    expect(info.rejected.map((r) => [r.host, r.subdomain, r.code])).toEqual([
      ['', 'random', 'subdomain_unavailable'],
      ['temp.example', undefined, 'subdomain_unavailable'],
    ]);
  });
});

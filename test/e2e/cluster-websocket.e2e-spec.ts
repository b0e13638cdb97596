import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { HarpServer } from '../../src/server/harp-server.js';
import { connect } from '../../src/agent/connect.js';
import { adminApi } from '../helpers/admin-api.js';
import { CLUSTER_SECRET, clusterEnv, clusterNodes, internalUrlOf, nodesSeenBy, untilHolders } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { startProxyProcess } from '../helpers/proxy-process.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { nextMessage, open, rawExchange, upgradeRequest } from '../helpers/websocket-client.js';

// docs/cluster.md, "Upgrades": three nodes in this process, one Redis, an agent on B. A
// WebSocket opened on A or C is carried to B over its internal listener and joined there to the
// agent's tunnel stream.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const ROUTE = { host: '*', path: '/chat' };

describeRedis('cluster mode: WebSockets between nodes', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-websocket');
  afterEach(() => h.closeAll());
  const node = clusterNodes(h, scratch);
  const wsUrl = (proxy: HarpServer, path: string) => `${proxy.url.replace('http', 'ws')}${path}`;

  /** The agent's app on B: an echo at /chat/*, a refusal at /chat/refused. */
  function echoBackend() {
    const seen: IncomingMessage[] = [];
    const connections: WebSocket[] = [];
    const waiters: Array<(ws: WebSocket) => void> = [];
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false) });
    h.defer(() => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    });
    const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      seen.push(req);
      if (req.url === '/chat/refused') {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\nno ws\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, binary) => ws.send(data as Buffer, { binary }));
        const waiter = waiters.shift();
        if (waiter) waiter(ws);
        else connections.push(ws);
      });
    };
    const nextConnection = (): Promise<WebSocket> => {
      const ready = connections.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
    };
    return { seen, upgrade, nextConnection };
  }

  /** A, B and C, with the agent on B and the route seen by A and C. */
  async function threeNodes() {
    const [a, b, c] = [await node('node-a'), await node('node-b'), await node('node-c')];
    const backend = echoBackend();
    const agent = await h.agent(b, (_req, res) => res.end('plain'), { upgrade: backend.upgrade, routes: [ROUTE] });
    await Promise.all([untilHolders(a.url, ROUTE.host, ROUTE.path, ['node-b']), untilHolders(c.url, ROUTE.host, ROUTE.path, ['node-b'])]);
    return { a, b, c, backend, agent };
  }

  it('carries text and binary messages (1 MiB among them) from clients of A and of C to the agent on B', async () => {
    const { a, c, backend } = await threeNodes();
    for (const [proxy, name] of [[a, 'a'], [c, 'c']] as const) {
      const ws = await open(wsUrl(proxy, `/chat/${name}?x=1`), { protocols: ['chat'], headers: { 'X-Token': name } });
      h.defer(() => ws.terminate());
      // The subprotocol was chosen by the backend and came back through both nodes.
      expect(ws.protocol).toBe('chat');
      ws.send(`hello from ${name}`);
      expect(await nextMessage(ws)).toEqual({ data: Buffer.from(`hello from ${name}`), binary: false });
      const bytes = randomBytes(1024 * 1024);
      ws.send(bytes);
      const echoed = await nextMessage(ws);
      expect(echoed.binary).toBe(true);
      expect(echoed.data.equals(bytes)).toBe(true);
    }
    expect(backend.seen.map((req) => req.url)).toEqual(['/chat/a?x=1', '/chat/c?x=1']);
    // The client's fields, and forwarding facts that describe the client A saw, not node A.
    expect(backend.seen[0]!.headers).toMatchObject({ 'x-token': 'a', upgrade: 'websocket', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http' });
    expect(Object.keys(backend.seen[0]!.headers).filter((name) => name.startsWith('x-harp-'))).toEqual([]);
  });

  it('reports the session on the node that took it: 101, the route, the node, the bytes', async () => {
    const { a } = await threeNodes();
    const ws = await open(wsUrl(a, '/chat/reported'));
    ws.send('abc');
    await nextMessage(ws);
    const closed = new Promise((resolve) => ws.once('close', resolve));
    ws.close();
    await closed;
    await eventually(async () => (await adminApi(a, 'GET', '/inspector/requests')).json.held === 1, 3000, 'the session reported on A');
    const entry = (await adminApi(a, 'GET', '/inspector/requests')).json.entries[0];
    expect(entry).toMatchObject({ method: 'GET', target: '/chat/reported', status: 101, route: ROUTE, agentId: 'node:node-b' });
    expect(entry.bytesIn).toBeGreaterThan(0);
    expect(entry.bytesOut).toBeGreaterThan(0);
  });

  it('a close from the client reaches the backend, and one from the backend reaches the client', async () => {
    const { a, c, backend } = await threeNodes();
    const fromClient = await open(wsUrl(a, '/chat/1'));
    const first = await backend.nextConnection();
    const backendSaw = new Promise<number>((resolve) => first.once('close', (code) => resolve(code)));
    fromClient.close(4001, 'client leaves');
    expect(await backendSaw).toBe(4001);

    const toClient = await open(wsUrl(c, '/chat/2'));
    const second = await backend.nextConnection();
    const clientSaw = new Promise<[number, string]>((resolve) => toClient.once('close', (code, reason) => resolve([code, reason.toString()])));
    second.close(4002, 'backend leaves');
    expect(await clientSaw).toEqual([4002, 'backend leaves']);
  });

  it('closes the client on A when the agent on B goes away mid-session', async () => {
    const { a, agent } = await threeNodes();
    const ws = await open(wsUrl(a, '/chat/cut'));
    ws.send('x');
    await nextMessage(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await agent.close(0);
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('closes the client on A when node B is killed mid-session', async () => {
    const a = await node('node-a');
    const b = await startProxyProcess(clusterEnv(scratch, 'node-b'));
    h.defer(() => void b.child.kill('SIGKILL'));
    const backend = echoBackend();
    const agent = await connect({ server: b.url, key: TEST_KEY, handler: (_req, res) => res.end('plain'), upgrade: backend.upgrade, routes: [ROUTE], reconnect: false });
    h.defer(() => agent.close(0));
    await untilHolders(a.url, ROUTE.host, ROUTE.path, ['node-b']);
    const ws = await open(wsUrl(a, '/chat/killed'));
    ws.send('before');
    expect((await nextMessage(ws)).data.toString()).toBe('before');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    b.child.kill('SIGKILL');
    // No close frame could be sent: the connection was cut (1006, RFC 6455 §7.1.5).
    expect(await closed).toBe(1006);
  }, 30_000);

  it('passes a refusal of the upgrade on as an ordinary response, and goes on serving', async () => {
    const { a } = await threeNodes();
    const refused = await open(wsUrl(a, '/chat/refused')).catch((err: { status?: number }) => err);
    expect(refused).toMatchObject({ status: 403 });
    const ws = await open(wsUrl(a, '/chat/after'));
    h.defer(() => ws.terminate());
    ws.send('still here');
    expect((await nextMessage(ws)).data.toString()).toBe('still here');
  });

  // Regression: the cluster's upgrade path must not let other protocols through.
  it('still refuses an upgrade to another protocol with 501, whichever node holds the route', async () => {
    const { a } = await threeNodes();
    const text = await rawExchange(
      a.port,
      'GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 501 /);
    expect(text).toContain('X-Harp-Error: upgrade_not_supported');
  });

  it('refuses an upgrade on the internal listener without the secret (401) or without its origin (400)', async () => {
    const { b, backend } = await threeNodes();
    const port = Number(new URL(await internalUrlOf(b)).port);
    const origin = 'X-Harp-Forwarded-Peer: 10.9.8.7\r\nX-Harp-Forwarded-Proto: http\r\n';
    const without = await rawExchange(port, upgradeRequest('/chat/x', origin));
    expect(without).toMatch(/^HTTP\/1\.1 401 /);
    const wrong = await rawExchange(port, upgradeRequest('/chat/x', `${origin}X-Harp-Cluster-Secret: cluster-secret-for-tests-XXXX\r\n`));
    expect(wrong).toMatch(/^HTTP\/1\.1 401 /);
    const noOrigin = await rawExchange(port, upgradeRequest('/chat/x', `X-Harp-Cluster-Secret: ${CLUSTER_SECRET}\r\n`));
    expect(noOrigin).toMatch(/^HTTP\/1\.1 400 /);
    expect(backend.seen).toEqual([]);
  });

  /** Announces a node that holds `path` at a port nobody listens on: a node that just died. */
  async function ghost(path: string) {
    const state = { node: { id: 'ghost', url: 'http://127.0.0.1:1', startedAt: 1, heartbeatAt: 2, agents: 1 }, routes: [{ host: '*', path, ownerKeyId: 'default', nodeId: 'ghost', members: 1 }] };
    await scratch.raw.publish(`${scratch.prefix}directory`, JSON.stringify({ v: 1, type: 'state', state }));
  }

  it('tries another node when one fails before answering, then its own behaviour (503)', async () => {
    const { a } = await threeNodes();
    for (let i = 0; i < 4; i++) {
      await ghost(ROUTE.path);
      await eventually(async () => (await nodesSeenBy(a.url)).some((n) => n.id === 'ghost'), 1000, 'the ghost seen');
      const ws = await open(wsUrl(a, `/chat/${i}`));
      h.defer(() => ws.terminate());
      ws.send(`try ${i}`);
      expect((await nextMessage(ws)).data.toString()).toBe(`try ${i}`);
    }
    // The ghost alone: no node can take it, and A has no member either.
    await ghost('/alone');
    await eventually(async () => (await nodesSeenBy(a.url)).some((n) => n.id === 'ghost'), 1000, 'the ghost seen');
    const refused = await open(wsUrl(a, '/alone')).catch((err: { status?: number; res?: IncomingMessage }) => err);
    expect(refused).toMatchObject({ status: 503 });
    expect((refused as { res: IncomingMessage }).res.headers['x-harp-error']).toBe('no_backend');
  });
});

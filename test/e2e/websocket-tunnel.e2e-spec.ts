import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeResponseHeadFrame } from '../../src/protocol/index.js';
import { adminApi, eventually } from '../helpers/admin-api.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { connect } from '../../src/agent/connect.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { startEmbeddedApp } from '../helpers/embedded-app.js';
import { nextMessage, open, rawExchange, upgradeRequest } from '../helpers/websocket-client.js';

// A local app's WebSockets (dev-server reloads, chat, live views) work through the tunnel.

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('WebSocket tunnelling', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** An upstream HTTP server with a WebSocket echo at /ws (and `hello` + path on connect). */
  async function echoUpstream(onConnection?: (ws: WebSocket, req: IncomingMessage) => void) {
    const seen: IncomingMessage[] = [];
    const upstream = await h.upstream((req, res) => res.writeHead(200).end(`plain ${req.url}`));
    const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('chat') ? 'chat' : false) });
    (upstream.server as Server).on('upgrade', (req, socket, head) => {
      seen.push(req);
      if (!req.url!.startsWith('/ws')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 6\r\nConnection: close\r\n\r\nno ws\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(`hello ${req.url}`);
        ws.on('message', (data, binary) => ws.send(data, { binary }));
        onConnection?.(ws, req);
      });
    });
    h.defer(() => {
      for (const client of wss.clients) client.terminate();
      wss.close();
    });
    return { upstream, seen, wss };
  }

  it('carries text and binary messages both ways, with the handshake fields of the backend', async () => {
    const proxy = await h.proxy();
    const { upstream, seen } = await echoUpstream();
    await h.agent(proxy, upstream.url);
    const ws = await open(`${proxy.url.replace('http', 'ws')}/ws/room?x=1`, { protocols: ['chat'], headers: { 'X-Token': 't1' } });
    h.defer(() => ws.terminate());

    expect((await nextMessage(ws)).data.toString()).toBe('hello /ws/room?x=1');
    expect(ws.protocol).toBe('chat');
    ws.send('ping text');
    expect(await nextMessage(ws)).toEqual({ data: Buffer.from('ping text'), binary: false });
    const bytes = randomBytes(300_000);
    ws.send(bytes);
    const echoed = await nextMessage(ws);
    expect(echoed.binary).toBe(true);
    expect(sha(echoed.data)).toBe(sha(bytes));
    // The backend saw the client's fields and the proxy's forwarding facts.
    expect(seen[0]!.headers).toMatchObject({ 'x-token': 't1', upgrade: 'websocket', 'x-forwarded-proto': 'http' });
    expect(seen[0]!.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('tunnels to an in-process handler app that takes upgrades', async () => {
    const proxy = await h.proxy();
    const wss = new WebSocketServer({ noServer: true });
    h.defer(() => wss.close());
    await h.agent(proxy, (_req, res) => res.end('plain'), {
      upgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d) => ws.send(`in-process ${d}`))),
    });
    const ws = await open(`${proxy.url.replace('http', 'ws')}/live`);
    h.defer(() => ws.terminate());
    ws.send('hi');
    expect((await nextMessage(ws)).data.toString()).toBe('in-process hi');
    expect((await send(`${proxy.url}/plain`)).body.toString()).toBe('plain');
  });

  it('gives a handler app without an upgrade listener the request as an ordinary one', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, (req, res) => res.writeHead(426, { 'Content-Type': 'text/plain' }).end(`no upgrade for ${req.url}`));
    const refused = await open(`${proxy.url.replace('http', 'ws')}/live`).catch((err: { status?: number }) => err);
    expect(refused).toMatchObject({ status: 426 });
  });

  it('keeps many WebSockets apart on one agent connection', async () => {
    const proxy = await h.proxy();
    const { upstream } = await echoUpstream();
    await h.agent(proxy, upstream.url);
    const sockets = await Promise.all(Array.from({ length: 20 }, (_, i) => open(`${proxy.url.replace('http', 'ws')}/ws/${i}`)));
    h.defer(() => sockets.forEach((ws) => ws.terminate()));
    const greetings = await Promise.all(sockets.map((ws) => nextMessage(ws)));
    expect(greetings.map((g) => g.data.toString())).toEqual(sockets.map((_, i) => `hello /ws/${i}`));
    const replies = await Promise.all(
      sockets.map((ws, i) => {
        const reply = nextMessage(ws);
        ws.send(`message ${i}`);
        return reply;
      }),
    );
    expect(replies.map((r) => r.data.toString())).toEqual(sockets.map((_, i) => `message ${i}`));
  });

  it('relays a backend that refuses the upgrade as an ordinary response', async () => {
    const proxy = await h.proxy();
    const { upstream } = await echoUpstream();
    await h.agent(proxy, upstream.url);
    const refused = await open(`${proxy.url.replace('http', 'ws')}/not-ws`).catch((err: { status?: number }) => err);
    expect(refused).toMatchObject({ status: 403 });
    // The proxy keeps serving plain requests.
    expect((await send(`${proxy.url}/plain`)).status).toBe(200);
  });

  it('answers 404 with the usual error page when no route matches', async () => {
    const proxy = await h.proxy();
    const refused = await open(`${proxy.url.replace('http', 'ws')}/ws`).catch((err: { status?: number; res?: IncomingMessage }) => err);
    expect(refused).toMatchObject({ status: 404 });
    expect((refused as { res: IncomingMessage }).res.headers['x-harp-error']).toBe('no_route');
  });

  it('refuses upgrades to other protocols with 501', async () => {
    const proxy = await h.proxy();
    const { upstream } = await echoUpstream();
    await h.agent(proxy, upstream.url);
    const text = await rawExchange(
      proxy.port,
      'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 501 /);
    expect(text).toContain('X-Harp-Error: upgrade_not_supported');
    // Counted like every refusal the proxy answers itself.
    await eventually(async () => (await adminApi(proxy, 'GET', '/inspector/requests')).json.held === 1);
    const entry = (await adminApi(proxy, 'GET', '/inspector/requests')).json.entries[0];
    expect(entry).toMatchObject({ status: 501, errorCode: 'upgrade_not_supported', target: '/ws' });
  });

  it('closes the client connection when the agent goes away mid-session', async () => {
    const proxy = await h.proxy();
    const { upstream } = await echoUpstream();
    const agent = await h.agent(proxy, upstream.url);
    const ws = await open(`${proxy.url.replace('http', 'ws')}/ws`);
    await nextMessage(ws);
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    await agent.close(0);
    await closed;
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('ends the backend connection when the client closes', async () => {
    const proxy = await h.proxy();
    const backendClosed = new Promise<number>((resolve) => {
      void echoUpstream((ws) => ws.once('close', (code) => resolve(code))).then(async ({ upstream }) => {
        await h.agent(proxy, upstream.url);
        const ws = await open(`${proxy.url.replace('http', 'ws')}/ws`);
        await nextMessage(ws);
        ws.close(4001, 'bye');
      });
    });
    expect(await backendClosed).toBe(4001);
  });

  it('still connects agents at /_harp/connect, and records the session in the inspector', async () => {
    const proxy = await h.proxy();
    const { upstream } = await echoUpstream();
    await h.agent(proxy, upstream.url);
    const ws = await open(`${proxy.url.replace('http', 'ws')}/ws/inspected`);
    await nextMessage(ws);
    ws.send('abc');
    await nextMessage(ws);
    ws.close();
    await eventually(async () => (await adminApi(proxy, 'GET', '/inspector/requests')).json.held === 1);
    const entry = (await adminApi(proxy, 'GET', '/inspector/requests')).json.entries[0];
    expect(entry).toMatchObject({ method: 'GET', target: '/ws/inspected', status: 101 });
    expect(entry.bytesIn).toBeGreaterThan(0);
    expect(entry.bytesOut).toBeGreaterThan(0);
    const detail = (await adminApi(proxy, 'GET', `/inspector/requests/${entry.id}`)).json;
    expect(detail.response).toMatchObject({ httpVersion: '1.1', statusText: 'Switching Protocols' });
    expect(detail.response.headers.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['Sec-WebSocket-Accept', 'Connection', 'Upgrade']),
    );
  });
});

describe('WebSocket tunnelling in an application that imports HarpModule', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('tunnels public WebSockets and still connects agents', async () => {
    const { app, base } = await startEmbeddedApp();
    h.defer(() => app.close());
    const wss = new WebSocketServer({ noServer: true });
    h.defer(() => wss.close());
    const agent = await connect({
      server: base,
      key: TEST_KEY,
      reconnect: false,
      handler: (_req, res) => res.end('plain'),
      upgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d) => ws.send(`embedded ${d}`))),
    });
    h.defer(() => agent.close(100));

    const ws = await open(`${base.replace('http', 'ws')}/chat`);
    h.defer(() => ws.terminate());
    ws.send('hi');
    expect((await nextMessage(ws)).data.toString()).toBe('embedded hi');
  });
});

describe('WebSocket tunnelling with an agent that misbehaves', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('answers 502 to a 101 whose fields would split the response, and never writes them', async () => {
    const proxy = await h.proxy();
    const raw = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }]);
    h.defer(() => raw.terminate());
    const answer = rawExchange(proxy.port, upgradeRequest('/ws'));
    const { streamId } = await raw.nextRequest();
    raw.send(
      encodeResponseHeadFrame(streamId, { status: 101, reason: 'Switching Protocols', headers: [['Sec-WebSocket-Accept', 'x\r\nX-Injected: 1']] }, false),
    );
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 502 /);
    expect(text).toContain('X-Harp-Error: bad_response');
    expect(text).not.toContain('X-Injected');
  });

  it('answers 504 when the backend never answers the upgrade', async () => {
    const proxy = await h.proxy({ requestTimeoutMs: 200 });
    const raw = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }]);
    h.defer(() => raw.terminate());
    const started = Date.now();
    const text = await rawExchange(proxy.port, upgradeRequest('/ws'));
    expect(text).toMatch(/^HTTP\/1\.1 504 /);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

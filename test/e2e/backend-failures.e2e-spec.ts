import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';
import { agentInternals, proxyOpenStreams, proxySessions } from '../helpers/tunnels.js';

// docs/architecture.md, property 4, "Honest failure": a backend that dies before answering gives 502; one that dies
// mid-body gives an aborted response, never a truncated 200; a timeout gives 504.

const KIB = 1024;

describe('backend failures', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  describe('upstream dies mid-response', () => {
    it('a Content-Length body cut short reaches the client as an aborted transfer', async () => {
      const proxy = await h.proxy();
      const upstream = await h.upstream((_req, res) => {
        res.writeHead(200, { 'Content-Length': String(1024 * KIB) });
        res.write(Buffer.alloc(100 * KIB, 1), () => setTimeout(() => res.socket?.destroy(), 50));
      });
      await h.agent(proxy, upstream.url);

      const result = await outcome(`${proxy.url}/cut`, { timeoutMs: 5000 });

      expect(result.status).toBe(200);
      expect(result.headers['content-length']).toBe(String(1024 * KIB));
      expect(result.complete).toBe(false);
      expect(result.error?.message).not.toBe('client timeout');
      expect(result.body.length).toBeLessThan(1024 * KIB);
    });

    it('a chunked body cut short reaches the client as an aborted transfer', async () => {
      const proxy = await h.proxy();
      const upstream = await h.upstream((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
        res.write('first chunk;');
        res.write('second chunk;', () => setTimeout(() => res.socket?.destroy(), 50));
      });
      await h.agent(proxy, upstream.url);

      const result = await outcome(`${proxy.url}/cut`, { timeoutMs: 5000 });

      expect(result.status).toBe(200);
      expect(result.headers['transfer-encoding']).toBe('chunked');
      expect(result.complete).toBe(false);
      expect(result.error?.message).not.toBe('client timeout');
      expect(result.body.toString()).toBe('first chunk;second chunk;');
    });

    it('leaves no stream open on either end after the abort', async () => {
      const proxy = await h.proxy();
      const upstream = await h.upstream((_req, res) => {
        res.writeHead(200, { 'Content-Length': '1000' });
        res.write('x'.repeat(10), () => setTimeout(() => res.socket?.destroy(), 20));
      });
      const agent = await h.agent(proxy, upstream.url);

      const result = await outcome(`${proxy.url}/cut`, { timeoutMs: 5000 });

      expect(result.complete).toBe(false);
      await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
      await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
    });
  });

  it('answers 502 agent_gone when the agent dies before the response head', async () => {
    // Without a grace there is no member to send the GET to again (retries.e2e-spec.ts: with one,
    // the agent that reconnects serves it).
    const proxy = await h.proxy({ routeGraceMs: 0 });
    let arrived!: () => void;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const upstream = await h.upstream(() => arrived()); // never answers
    const agent = await h.agent(proxy, upstream.url);

    const pending = outcome(`${proxy.url}/slow`, { timeoutMs: 5000 });
    await requestArrived;
    agentInternals(agent).socket.terminate();
    const result = await pending;

    expect(result.status).toBe(502);
    expect(result.headers['x-harp-error']).toBe('agent_gone');
    expect(result.complete).toBe(true);
    expect(result.ms).toBeLessThan(2000);
  });

  it('aborts the client when the agent dies mid-body', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(64 * KIB) });
      res.write(Buffer.alloc(KIB, 2)); // and never the rest
    });
    const { socket } = agentInternals(await h.agent(proxy, upstream.url));

    const result = await outcome(`${proxy.url}/half`, {
      timeoutMs: 5000,
      onResponse: (res) => res.once('data', () => socket.terminate()),
    });

    expect(result.status).toBe(200);
    expect(result.complete).toBe(false);
    expect(result.error?.message).not.toBe('client timeout');
    expect(result.body.length).toBe(KIB);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
  });

  it('answers 504 timeout after requestTimeoutMs and aborts the upstream request', async () => {
    const proxy = await h.proxy({ requestTimeoutMs: 300 });
    let upstreamClosed!: () => void;
    const upstreamSawClose = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const upstream = await h.upstream((_req, res: ServerResponse) => {
      res.on('close', () => upstreamClosed()); // never answers
    });
    const agent = await h.agent(proxy, upstream.url);

    const result = await outcome(`${proxy.url}/never`, { timeoutMs: 5000 });

    expect(result.status).toBe(504);
    expect(result.headers['x-harp-error']).toBe('timeout');
    expect(result.ms).toBeGreaterThanOrEqual(290);
    expect(result.ms).toBeLessThan(1500);
    await upstreamSawClose;
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
    expect(proxyOpenStreams(proxy)).toBe(0);
  });

  it('regression: does not answer 504 to an upload still moving after requestTimeoutMs', async () => {
    // The timeout is the time a backend has to start answering. It was counted from the start
    // of the request, so any upload longer than requestTimeoutMs (a 1 GiB file at 30 s) got a
    // 504 while its bytes were still flowing.
    const proxy = await h.proxy({ requestTimeoutMs: 400 });
    const upstream = await h.upstream((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => res.end(`got ${bytes}`));
    });
    await h.agent(proxy, upstream.url);

    let sent = 0;
    const body = new Readable({
      read() {
        if (sent === 10) return void this.push(null);
        sent++;
        setTimeout(() => this.push(Buffer.alloc(KIB, 7)), 100);
      },
    });
    const result = await outcome(`${proxy.url}/slow-upload`, { method: 'POST', body, timeoutMs: 5000 });

    expect(result.ms).toBeGreaterThan(900);
    expect([result.status, result.body.toString()]).toEqual([200, `got ${10 * KIB}`]);
  });

  it('answers 504 when the upstream stops reading the upload and never answers', async () => {
    const proxy = await h.proxy({ requestTimeoutMs: 300 });
    const upstream = await h.upstream((req) => req.pause()); // reads nothing, answers nothing
    await h.agent(proxy, upstream.url);

    const body = new Readable({
      read() {
        this.push(Buffer.alloc(16 * KIB, 7)); // endless: only backpressure stops it
      },
    });
    const result = await outcome(`${proxy.url}/stuck-upload`, { method: 'POST', body, timeoutMs: 10_000 });
    body.destroy();

    expect([result.status, result.headers['x-harp-error']]).toEqual([504, 'timeout']);
    expect(result.ms).toBeLessThan(5000);
  });

  it('relays an answer sent before the upload was read, and forgets the stream', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(413, { 'Content-Type': 'text/plain' });
      res.end('too big for me'); // without reading a byte of the body
    });
    const agent = await h.agent(proxy, upstream.url);

    // 64 KiB, then the upload pauses without ending. (That a client still writing gets the
    // answer rather than a reset is test/e2e/lingering-close's subject.)
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(64 * KIB, 7));
    const result = await outcome(`${proxy.url}/early`, { method: 'POST', body, timeoutMs: 5000 });
    body.destroy();

    expect([result.status, result.body.toString(), result.complete]).toEqual([413, 'too big for me', true]);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
  });

  it('answers 502 upstream_error when the upstream refuses the connection', async () => {
    const proxy = await h.proxy();
    const closed = await h.upstream(() => undefined);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    await h.agent(proxy, closed.url);

    const result = await outcome(`${proxy.url}/refused`, { timeoutMs: 5000 });

    expect(result.status).toBe(502);
    expect(result.headers['x-harp-error']).toBe('upstream_error');
    expect(result.body.toString()).toMatch(/ECONNREFUSED|connect/);
  });

  it("drops a dead agent's routes at once: the next request is a quick 404, not a hang", async () => {
    // Without a grace: with one, the next request would wait for the agent to come back
    // (route-grace.e2e-spec.ts). What this pins is how soon the proxy notices the death.
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const agent = await h.agent(proxy, (_req: IncomingMessage, res: ServerResponse) => res.end('alive'));
    expect((await outcome(`${proxy.url}/x`)).body.toString()).toBe('alive');

    const { socket } = agentInternals(agent);
    socket.terminate();
    await once(socket, 'close');
    // The proxy learns of the close from TCP; one turn of its event loop is all it may need.
    // Heartbeats (5 s here) are not what removes it: the close itself must.
    await eventually(() => proxySessions(proxy) === 0, 500, 'the proxy to drop the session');
    const result = await outcome(`${proxy.url}/x`, { timeoutMs: 2000 });

    expect(result.status).toBe(404);
    expect(result.headers['x-harp-error']).toBe('no_route');
    expect(result.ms).toBeLessThan(500);
  });

  it('a request racing the agent\'s death gets 502 or 404, quickly, never a hang', async () => {
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const agent = await h.agent(proxy, (_req: IncomingMessage, res: ServerResponse) => {
      setTimeout(() => res.end('late'), 2000).unref();
    });
    agentInternals(agent).socket.terminate();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => sleep(i * 5).then(() => outcome(`${proxy.url}/race`, { timeoutMs: 3000 }))),
    );
    for (const result of results) {
      expect([502, 404]).toContain(result.status);
      expect(result.ms).toBeLessThan(1000);
    }
    expect(proxyOpenStreams(proxy)).toBe(0);
  });
});

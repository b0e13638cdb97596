import type { ServerResponse } from 'node:http';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';
import { proxyOpenStreams } from '../helpers/tunnels.js';

// docs/architecture.md property 3: "SSE delivered as it is produced". Each event must reach the client
// while the backend still holds the response open, not when the stream ends.

describe('server-sent events', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('delivers each event while the backend still holds the response open', async () => {
    const proxy = await h.proxy({ requestTimeoutMs: 1000 });
    let stream: ServerResponse | undefined;
    const upstream = await h.upstream((_req, res) => {
      stream = res;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('id: 1\ndata: first\n\n');
    });
    await h.agent(proxy, upstream.url);

    const received: string[] = [];
    const done = outcome(`${proxy.url}/events`, {
      headers: { Accept: 'text/event-stream' },
      timeoutMs: 5000,
      onResponse: (res) => res.on('data', (c: Buffer) => received.push(c.toString())),
    });

    await eventually(() => received.join('').includes('data: first\n\n'), 2000, 'the first event');
    // Still open: the backend has not ended, and the request timeout (1 s) must not apply to a
    // response whose head has arrived.
    expect(stream?.writableEnded).toBe(false);
    expect(received.join('')).toBe('id: 1\ndata: first\n\n');

    await sleep(1200);
    stream!.write('id: 2\ndata: second\n\n');
    await eventually(() => received.join('').includes('data: second'), 2000, 'the second event');
    expect(stream?.writableEnded).toBe(false);

    stream!.end('id: 3\ndata: last\n\n');
    const result = await done;
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('text/event-stream');
    expect(result.complete).toBe(true);
    expect(result.body.toString()).toBe('id: 1\ndata: first\n\nid: 2\ndata: second\n\nid: 3\ndata: last\n\n');
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
  });

  it('regression: delivers a response head before any body byte exists', async () => {
    // Node's ServerResponse keeps a written head until the first body write. The proxy wrote
    // the backend's head and waited for DATA, so a client of a stream that starts quiet (SSE
    // with no initial event, long polling) saw nothing at all, not even the status.
    const proxy = await h.proxy();
    let stream: ServerResponse | undefined;
    const upstream = await h.upstream((_req, res) => {
      stream = res;
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.flushHeaders();
    });
    await h.agent(proxy, upstream.url);

    let headAt = 0;
    const done = outcome(`${proxy.url}/events`, { timeoutMs: 5000, onResponse: () => (headAt = Date.now()) });
    await eventually(() => headAt > 0, 2000, 'the response head');
    expect(stream?.writableEnded).toBe(false);

    stream!.end('data: only\n\n');
    const result = await done;
    expect(result.status).toBe(200);
    expect(result.body.toString()).toBe('data: only\n\n');
  });
});

import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { agentInternals, proxyOpenStreams } from '../helpers/tunnels.js';

// STYLE.md rule 7: every abort propagates to the other side. A client that goes away must
// reset its stream, the agent must abort the upstream exchange, and neither tunnel may keep the
// stream in its table afterwards.

const KIB = 1024;

/** Resolves with whether `res` closed before it finished: the upstream saw the abort. */
const closedEarly = (res: ServerResponse): Promise<boolean> =>
  new Promise((resolve) => res.on('close', () => resolve(!res.writableFinished)));

/** A request the test can destroy; its errors are expected and swallowed. */
function abortable(url: string, method = 'GET', onResponse?: (res: IncomingMessage) => void): ClientRequest {
  const req = httpRequest(url, { method, agent: false }, (res) => {
    res.on('error', () => undefined);
    onResponse?.(res);
  });
  req.on('error', () => undefined);
  return req;
}

describe('client aborts', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('a client leaving mid-download aborts the upstream response and leaks no stream', async () => {
    const proxy = await h.proxy();
    let upstreamClosedEarly!: Promise<boolean>;
    let written = 0;
    const upstream = await h.upstream((_req, res) => {
      upstreamClosedEarly = closedEarly(res);
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * KIB, 0x5a);
      const pump = (): void => {
        while (!res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump(); // an endless download, written as fast as it is taken
    });
    const agent = await h.agent(proxy, upstream.url);

    let received = 0;
    const client = abortable(`${proxy.url}/download`, 'GET', (res) =>
      res.on('data', (c: Buffer) => (received += c.length)),
    );
    client.end();
    await eventually(() => received >= 512 * KIB, 5000, 'half a MiB to arrive');
    client.destroy();

    expect(await upstreamClosedEarly).toBe(true);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
    // Nobody reads the upstream any more, so it stops writing.
    const writtenAfterAbort = written;
    await sleep(100);
    expect(written).toBe(writtenAfterAbort);
  });

  it('a client leaving mid-upload aborts the upstream request and leaks no stream', async () => {
    const proxy = await h.proxy();
    let upstreamReceived = 0;
    let upstreamAborted!: Promise<boolean>;
    const upstream = await h.upstream((req, res) => {
      upstreamAborted = closedEarly(res);
      req.on('data', (c: Buffer) => (upstreamReceived += c.length));
    });
    const agent = await h.agent(proxy, upstream.url);

    const body = new Readable({
      read() {
        this.push(Buffer.alloc(16 * KIB, 1)); // an endless upload
      },
    });
    const client = abortable(`${proxy.url}/upload`, 'POST');
    body.pipe(client);
    await eventually(() => upstreamReceived >= 512 * KIB, 5000, 'half a MiB to reach the upstream');
    client.destroy();
    body.destroy();

    expect(await upstreamAborted).toBe(true);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
  });

  it('a client leaving before the response head aborts the upstream request', async () => {
    const proxy = await h.proxy();
    let upstreamAborted!: Promise<boolean>;
    let arrived = false;
    const upstream = await h.upstream((_req, res) => {
      upstreamAborted = closedEarly(res);
      arrived = true; // and never answers
    });
    const agent = await h.agent(proxy, upstream.url);

    const client = abortable(`${proxy.url}/wait`);
    client.end();
    await eventually(() => arrived, 2000, 'the request to reach the upstream');
    client.destroy();

    expect(await upstreamAborted).toBe(true);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget the stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget the stream');
  });

  it('many clients leaving at once leave both tunnels empty and the agent serving', async () => {
    const proxy = await h.proxy();
    let started = 0;
    const upstream = await h.upstream((req, res) => {
      started++;
      if (req.url === '/ok') return void res.end('still serving');
      res.writeHead(200);
      res.write(Buffer.alloc(64 * KIB));
    });
    const agent = await h.agent(proxy, upstream.url);

    const clients = Array.from({ length: 50 }, () => abortable(`${proxy.url}/stall`));
    for (const client of clients) client.end();
    await eventually(() => started === 50, 5000, 'all requests to reach the upstream');
    for (const client of clients) client.destroy();

    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to forget every stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget every stream');
    const after = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${proxy.url}/ok`, { agent: false }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(after).toBe('still serving');
  });

  it('regression: a client gone before the agent reached its upstream leaves no upstream request running', async () => {
    // The agent could only abort an upstream request once undici had connected it: a stream
    // reset while the connection was still being made (here, the RESET arriving right behind
    // its REQUEST_HEAD) went unnoticed, and the upstream then served a client long gone.
    const proxy = await h.proxy();
    let seen = 0;
    let servedToNobody = 0;
    const upstream = await h.upstream((_req, res) => {
      seen++;
      const timer = setTimeout(() => res.end('too late'), 300);
      res.on('close', () => {
        clearTimeout(timer);
        if (res.writableFinished) servedToNobody++;
      });
    });
    const agent = await h.agent(proxy, upstream.url);

    // Each client's connection drops the moment the proxy has handled its request, so the
    // proxy sends the REQUEST_HEAD and the RESET back to back. (Cut on the proxy's side: no
    // client can time its abort that precisely.)
    const proxied = proxy.app.getHttpServer() as Server;
    let arrived = 0;
    proxied.prependListener('request', (req: IncomingMessage) => {
      arrived++;
      process.nextTick(() => req.socket.destroy());
    });
    const clients = Array.from({ length: 40 }, () => abortable(`${proxy.url}/hit-and-run`));
    for (const client of clients) client.end();
    await eventually(() => arrived === clients.length, 5000, 'the requests to reach the proxy');

    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to forget every stream');
    await sleep(500); // past the upstream's 300 ms answer time
    expect(servedToNobody).toBe(0);
    expect(seen).toBeLessThanOrEqual(clients.length);
    expect(proxyOpenStreams(proxy)).toBe(0);
  });
});

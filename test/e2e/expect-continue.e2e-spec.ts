import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { Harness } from '../helpers/harness.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { createServer as createH2cServer } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { h2Session } from '../helpers/h2-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';
import { RawConnection, rawExchange, requestText } from '../helpers/raw-http.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { encodeData, encodeResponseHeadFrame, FrameType, ResetCode } from '../../src/protocol/index.js';
import type { Frame, RequestHead } from '../../src/protocol/index.js';
import { RawAgent } from '../helpers/raw-agent.js';

// `Expect: 100-continue` through the tunnel (docs/protocol.md §5.4, the `continue` feature):
// the backend's own 100 reaches the client before the client sends its body, a backend that
// refuses before any 100 is heard without the body ever being sent, and an agent that predates
// the feature is served as before (the proxy answers 100 itself).

const CONTINUE_LINE = 'HTTP/1.1 100 Continue\r\n';

/** What the backend saw of one request. */
interface Seen {
  expect: string | undefined;
  body: string;
}

/** A backend that echoes the body; `checkContinue` decides, request by request, what to do first. */
async function backend(h: Harness, checkContinue?: (req: IncomingMessage, res: ServerResponse, echo: () => void) => void) {
  const seen: Seen[] = [];
  const echo = (req: IncomingMessage, res: ServerResponse): void => {
    const record: Seen = { expect: req.headers.expect, body: '' };
    seen.push(record);
    req.on('data', (chunk: Buffer) => (record.body += chunk.toString('latin1')));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Echo': 'yes' });
      res.end(`echo:${record.body}`);
    });
  };
  const upstream = await h.upstream(echo);
  if (checkContinue) upstream.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => checkContinue(req, res, () => echo(req, res)));
  return { ...upstream, seen };
}

/** A 100 with a field of its own, written on the socket: Node's `writeContinue` takes none. */
function continueWithField(res: ServerResponse): void {
  res.socket!.write('HTTP/1.1 100 Continue\r\nX-From-Continue: backend\r\n\r\n');
}

const uploadHead = (path: string, length: number, extra: string[] = []): string =>
  requestText(`POST ${path} HTTP/1.1`, ['Host: app.test', `Content-Length: ${length}`, 'Expect: 100-continue', ...extra]);

async function open(h: Harness, proxy: HarpServer): Promise<RawConnection> {
  const connection = await RawConnection.open(proxy.port);
  h.defer(() => connection.close());
  return connection;
}

const hasContinue = (c: RawConnection): boolean => c.raw.toString('latin1').startsWith(CONTINUE_LINE);
const finalOf = (c: RawConnection) => c.responses.find((r) => r.status >= 200 && r.complete);

describe('Expect: 100-continue through an agent with the continue feature', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('gives the client the backend’s own 100, only once the backend sent it, then the body flows and is echoed whole', async () => {
    const proxy = await h.proxy();
    let invite: (() => void) | undefined;
    const upstream = await backend(h, (_req, res, echo) => {
      // The backend sends its 100 only when the test says so: a 100 before that is not its.
      invite = () => {
        continueWithField(res);
        echo();
      };
    });
    await h.agent(proxy, upstream.url);
    const client = await open(h, proxy);
    client.write(uploadHead('/upload', 5));
    await client.until(() => invite !== undefined, 'the backend being asked');
    await sleep(150); // a window in which the proxy must not invite the body itself
    expect(client.raw.length).toBe(0);
    invite!();
    await client.until(hasContinue, 'the 100');
    expect(upstream.seen.map((s) => s.body)).toEqual(['']); // nothing sent before the 100
    client.write('hello');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    const [interim, final] = client.responses;
    expect(interim!.status).toBe(100);
    expect([final!.status, final!.body.toString(), final!.headers['x-echo']]).toEqual([200, 'echo:hello', 'yes']);
    // The 100's fields stay with it (RFC 9110 §15.2): none in the final head, none in the 100 either.
    expect([final!.headers['x-from-continue'], interim!.headers['x-from-continue']]).toEqual([undefined, undefined]);
    expect(upstream.seen).toEqual([{ expect: '100-continue', body: 'hello' }]);
    // The connection stays usable: the body arrived whole.
    client.write(requestText('GET /after HTTP/1.1', ['Host: app.test', 'Content-Length: 0']));
    await client.until((c) => c.responses.filter((r) => r.status === 200 && r.complete).length === 2, 'a second response on the connection');
  });

  it.each([417, 401])('relays a %d the backend answers before any 100; the body is never sent, the connection closes, the proxy serves the next request', async (status) => {
    const proxy = await h.proxy();
    let bodyBytes = 0;
    const upstream = await backend(h, (req, res, echo) => {
      if (req.url !== '/refused') {
        res.writeContinue();
        return echo();
      }
      req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      res.writeHead(status, { 'Content-Type': 'text/plain', ...(status === 401 ? { 'WWW-Authenticate': 'Basic realm="up"' } : {}) });
      res.end('refused by the backend');
    });
    await h.agent(proxy, upstream.url);
    const client = await open(h, proxy);
    client.write(uploadHead('/refused', 1024));
    await client.until((c) => finalOf(c) !== undefined, 'the refusal');
    const final = finalOf(client)!;
    expect([final.status, final.body.toString(), final.headers['x-harp-error']]).toEqual([status, 'refused by the backend', undefined]);
    expect(client.responses.map((r) => r.status)).toEqual([status]); // no 100 from anyone
    expect(final.headers.connection).toBe('close');
    // Never a hung connection: the body will not be read, so the proxy closes it.
    await client.until((c) => c.closed, 'the close after the refusal');
    expect(bodyBytes).toBe(0);
    const next = await rawExchange(proxy.port, [uploadHead('/next', 2, ['Connection: close']), 'ok'], { responses: 2 });
    expect(next.responses.map((r) => [r.status, r.body.toString()])).toEqual([[100, ''], [200, 'echo:ok']]);
  });

  it('serves a client that sends its body without waiting for the 100 (RFC 9110 §10.1.1)', async () => {
    const proxy = await h.proxy();
    const upstream = await backend(h, (_req, res, echo) => {
      setTimeout(() => {
        res.writeContinue();
        echo();
      }, 100);
    });
    await h.agent(proxy, upstream.url);
    const result = await rawExchange(proxy.port, [uploadHead('/eager', 5, ['Connection: close']) + 'eager'], { responses: 2 });
    expect(result.responses.map((r) => [r.status, r.body.toString()])).toEqual([[100, ''], [200, 'echo:eager']]);
    expect(upstream.seen).toEqual([{ expect: '100-continue', body: 'eager' }]);
  });

  it('carries a chunked upload after the backend’s 100 (Node answering it by itself)', async () => {
    const proxy = await h.proxy();
    const upstream = await backend(h); // no checkContinue listener: Node writes the 100
    await h.agent(proxy, upstream.url);
    const client = await open(h, proxy);
    client.write(requestText('PUT /chunked HTTP/1.1', ['Host: app.test', 'Transfer-Encoding: chunked', 'Expect: 100-continue']));
    await client.until(hasContinue, 'the 100');
    client.write('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect(finalOf(client)!.body.toString()).toBe('echo:abcde');
    expect(upstream.seen).toEqual([{ expect: '100-continue', body: 'abcde' }]);
  });

  it('reaches an in-process handler (the agent’s private socket) with the expectation, and its 100 back', async () => {
    const proxy = await h.proxy();
    const seen: Seen[] = [];
    await h.agent(proxy, (req, res) => {
      const record: Seen = { expect: req.headers.expect, body: '' };
      seen.push(record);
      req.on('data', (chunk: Buffer) => (record.body += chunk.toString('latin1')));
      req.on('end', () => res.end(`echo:${record.body}`));
    });
    const client = await open(h, proxy);
    client.write(uploadHead('/handler', 4));
    await client.until(hasContinue, 'the 100');
    client.write('data');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect(finalOf(client)!.body.toString()).toBe('echo:data');
    expect(seen).toEqual([{ expect: '100-continue', body: 'data' }]);
  });

  it('reaches an HTTP/2 upstream (h2) with the expectation: its 100 comes back, a refusal before one gets no body', async () => {
    const proxy = await h.proxy();
    let bodyBytes = 0;
    const upstream = createH2cServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.end(`echo:${body} expect:${req.headers.expect}`));
    });
    upstream.on('checkContinue', (req: Http2ServerRequest, res: Http2ServerResponse) => {
      if (req.url === '/refused') {
        req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
        return void res.writeHead(417).end('no');
      }
      res.writeContinue();
      upstream.emit('request', req, res);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise((resolve) => upstream.close(resolve)));
    await h.agent(proxy, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { h2: true });
    const client = await open(h, proxy);
    client.write(uploadHead('/h2', 3));
    await client.until(hasContinue, 'the upstream’s 100');
    client.write('abc');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect(finalOf(client)!.body.toString()).toBe('echo:abc expect:100-continue');
    const refused = await open(h, proxy);
    refused.write(uploadHead('/refused', 3));
    await refused.until((c) => finalOf(c) !== undefined && c.closed, 'the refusal and the close');
    expect([refused.responses.map((r) => r.status), bodyBytes]).toEqual([[417], 0]);
  });

  it('answers 504 and closes when the backend sends neither a 100 nor an answer', async () => {
    const proxy = await h.proxy({ requestTimeoutMs: 400 });
    const upstream = await backend(h, () => undefined);
    await h.agent(proxy, upstream.url);
    const client = await open(h, proxy);
    client.write(uploadHead('/silent', 10));
    await client.until((c) => finalOf(c) !== undefined, 'the timeout');
    expect([finalOf(client)!.status, finalOf(client)!.headers['x-harp-error']]).toEqual([504, 'timeout']);
    await client.until((c) => c.closed, 'the close after the timeout');
  });

  it('never stores the 100: a cacheable answer to a GET with a body is not kept, and the next GET gets no 100', async () => {
    const proxy = await h.proxy();
    let hits = 0;
    const upstream = await h.upstream((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'public, max-age=60' });
        res.end('page');
      });
    });
    (upstream.server as Server).on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      continueWithField(res);
      upstream.server.emit('request', req, res);
    });
    await h.agent(proxy, upstream.url);
    const first = await rawExchange(proxy.port, [uploadHead('/page', 2, ['Connection: close']).replace('POST', 'GET'), { pauseMs: 100 }, 'q='], { responses: 2 });
    expect(first.responses.map((r) => r.status)).toEqual([100, 200]);
    const second = await rawExchange(proxy.port, [requestText('GET /page HTTP/1.1', ['Host: app.test', 'Connection: close'])], { responses: 1 });
    expect(second.responses.map((r) => [r.status, r.body.toString(), r.headers['x-from-continue']])).toEqual([[200, 'page', undefined]]);
    const third = await rawExchange(proxy.port, [requestText('GET /page HTTP/1.1', ['Host: app.test', 'Connection: close'])], { responses: 1 });
    expect([third.responses.map((r) => r.status), third.responses[0]!.headers['cache-status']]).toEqual([[200], expect.stringMatching(/hit/)]);
    expect(hits).toBe(2);
  });
});

describe('Expect: 100-continue from an HTTP/2 client', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  const sessions: ClientHttp2Session[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await h.closeAll();
  });

  /** An upload that waits for its 100; `answer` resolves with the final status and body. */
  async function upload(proxy: HarpServer, path: string, length: number) {
    const session = await h2Session(proxy.tlsUrl!, tls.ca.cert);
    sessions.push(session);
    const stream: ClientHttp2Stream = session.request({ ':method': 'POST', ':path': path, ':authority': 'localhost', expect: '100-continue', 'content-length': String(length) });
    let continued = false;
    stream.on('continue', () => (continued = true));
    const answer = new Promise<{ status: number; body: string; closed: boolean }>((resolve, reject) => {
      let status = 0;
      let body = '';
      stream.once('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.once('error', reject);
      stream.once('close', () => resolve({ status, body, closed: true }));
    });
    return { stream, answer, continued: () => continued };
  }

  it('gets the backend’s own 100, only once the backend sent it, and the body then reaches it whole', async () => {
    const proxy = await tls.proxy();
    let invite: (() => void) | undefined;
    const upstream = await backend(h, (_req, res, echo) => {
      invite = () => {
        res.writeContinue();
        echo();
      };
    });
    await h.agent(proxy, upstream.url);
    const client = await upload(proxy, '/h2-upload', 5);
    await eventually(() => invite !== undefined, 3000, 'the backend being asked');
    await sleep(150); // a window in which the proxy must not invite the body itself
    expect(client.continued()).toBe(false);
    invite!();
    await eventually(client.continued, 3000, 'the 100');
    client.stream.end('hello');
    expect(await client.answer).toEqual({ status: 200, body: 'echo:hello', closed: true });
    expect(upstream.seen).toEqual([{ expect: '100-continue', body: 'hello' }]);
  });

  it('gets a 417 the backend answers before any 100; the body is never sent, the session serves on', async () => {
    const proxy = await tls.proxy();
    let bodyBytes = 0;
    const upstream = await backend(h, (req, res, echo) => {
      if (req.url !== '/refused') {
        res.writeContinue();
        return echo();
      }
      req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
      res.writeHead(417);
      res.end('no');
    });
    await h.agent(proxy, upstream.url);
    const client = await upload(proxy, '/refused', 5);
    expect(await client.answer).toEqual({ status: 417, body: 'no', closed: true });
    expect([client.continued(), bodyBytes]).toEqual([false, 0]);
    const next = await upload(proxy, '/next', 2);
    await eventually(next.continued, 3000, 'the next 100');
    next.stream.end('ok');
    expect(await next.answer).toEqual({ status: 200, body: 'echo:ok', closed: true });
  });
});

describe('the continue feature on the wire (docs/protocol.md §5.4.1)', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function rawAgent(proxy: HarpServer, features: string): Promise<RawAgent> {
    const agent = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }], { 'Harp-Features': features });
    h.defer(() => agent.terminate());
    return agent;
  }

  const fieldOf = (head: RequestHead, name: string): string[] =>
    head.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

  it('sends Expect: 100-continue in the head, writes the agent’s interim 100 once, then forwards the body', async () => {
    const proxy = await h.proxy();
    const agent = await rawAgent(proxy, 'interim, continue');
    expect(agent.welcome?.features).toEqual(['interim', 'continue']);
    const client = await open(h, proxy);
    client.write(uploadHead('/wire', 5));
    const head = await agent.nextRequest();
    expect([head.flags & 1, fieldOf(head.head, 'expect')]).toEqual([0, ['100-continue']]);
    await sleep(100); // a window in which the proxy must not invite the body itself
    expect(client.raw.length).toBe(0);
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 100, reason: 'Continue', headers: [['X-Interim', 'a']] }, false));
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 100, reason: 'Continue', headers: [] }, false));
    await client.until(hasContinue, 'the 100');
    client.write('hello');
    const body: Buffer[] = [];
    await agent.next((f: Frame) => {
      if (f.type === FrameType.Data) body.push(f.payload);
      return f.type === FrameType.Data && (f.flags & 1) === 1;
    });
    expect(Buffer.concat(body).toString()).toBe('hello');
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 201, reason: 'Created', headers: [['Content-Length', '2']] }, false));
    agent.send(encodeData(head.streamId, Buffer.from('ok'), true));
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect(client.responses.map((r) => r.status)).toEqual([100, 201]); // the second 100 dropped
    expect([finalOf(client)!.headers['x-interim'], finalOf(client)!.body.toString()]).toEqual([undefined, 'ok']);
  });

  it('after a final answer before any 100, closes the client’s connection and resets the stream', async () => {
    const proxy = await h.proxy();
    const agent = await rawAgent(proxy, 'interim, trailers, continue');
    const client = await open(h, proxy);
    client.write(uploadHead('/refused', 5));
    const head = await agent.nextRequest();
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 417, reason: 'Expectation Failed', headers: [] }, true));
    await client.until((c) => finalOf(c) !== undefined && c.closed, 'the 417 and the close');
    expect(client.responses.map((r) => r.status)).toEqual([417]);
    const reset = await agent.next((f: Frame) => f.type === FrameType.Reset && f.streamId === head.streamId);
    expect(reset.type === FrameType.Reset ? reset.code : undefined).toBe(ResetCode.Cancel);
  });

  it('uses neither half when an agent offers continue without interim: the proxy answers the 100', async () => {
    const proxy = await h.proxy();
    const agent = await rawAgent(proxy, 'continue');
    expect(agent.welcome?.features).toEqual([]);
    const client = await open(h, proxy);
    client.write(uploadHead('/half', 2));
    await client.until(hasContinue, 'the proxy’s 100');
    const head = await agent.nextRequest();
    expect(fieldOf(head.head, 'expect')).toEqual([]);
  });
});

describe('Expect: 100-continue through an agent without the continue feature', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is answered by the proxy itself once routed, as before; the backend never sees Expect', async () => {
    const proxy = await h.proxy();
    let asked = 0;
    const upstream = await backend(h, (_req, res) => {
      asked++;
      res.writeHead(417);
      res.end();
    });
    await h.agent(proxy, upstream.url, { features: ['interim', 'trailers'] });
    const client = await open(h, proxy);
    client.write(uploadHead('/old-agent', 3));
    await client.until(hasContinue, 'the proxy’s 100');
    client.write('abc');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect([finalOf(client)!.status, finalOf(client)!.body.toString()]).toEqual([200, 'echo:abc']);
    expect([asked, upstream.seen]).toEqual([0, [{ expect: undefined, body: 'abc' }]]);
  });
});

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

describeRedis('Expect: 100-continue across the cluster hop', () => {
  const h = new Harness();
  const scratch = redisScratch('expect-continue');
  afterEach(() => h.closeAll());
  const node = clusterNodes(h, scratch);

  it('is answered by the node the client reached, before the body crosses the hop; the backend sees no Expect', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: Seen[] = [];
    await h.agent(a, (req, res) => {
      const record: Seen = { expect: req.headers.expect, body: '' };
      seen.push(record);
      req.on('data', (chunk: Buffer) => (record.body += chunk.toString('latin1')));
      req.on('end', () => res.end(`echo:${record.body}`));
    });
    await untilHolders(b.url, '*', '/', ['a']);
    const client = await open(h, b);
    client.write(uploadHead('/across', 5));
    await client.until(hasContinue, 'node b’s 100');
    client.write('hello');
    await client.until((c) => finalOf(c) !== undefined, 'the final response');
    expect(finalOf(client)!.body.toString()).toBe('echo:hello');
    expect(seen).toEqual([{ expect: undefined, body: 'hello' }]);
  });
});

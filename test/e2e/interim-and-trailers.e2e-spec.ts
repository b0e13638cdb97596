import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { encodeData, encodeResponseHeadFrame, encodeTrailersFrame, FrameType } from '../../src/protocol/index.js';
import type { Frame, TrailersFrame } from '../../src/protocol/index.js';
import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { Harness } from '../helpers/harness.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { rawExchange, requestText } from '../helpers/raw-http.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// Interim (1xx) responses and trailers through a real agent (docs/protocol.md §3.5, §5.4, §5.5):
// a 103 reaches the client before the final response and never the cache; trailers cross the
// tunnel both ways; an agent without the features is served as before.

const LINK = '</style.css>; rel=preload; as=style';

/** A GET on a fresh connection, read with a raw client: every response, interim ones included. */
async function rawGet(port: number, path: string, fields: string[] = []) {
  const result = await rawExchange(port, [requestText(`GET ${path} HTTP/1.1`, ['Host: app.test', 'Connection: close', ...fields])]);
  return result.responses;
}

interface TrailedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  trailers: string[];
  interim: number[];
}

/** A request with node:http, which reads trailers (`rawTrailers`) and interim responses. */
function fetchWithTrailers(url: string, options: { method?: string; body?: string[]; trailers?: Record<string, string> } = {}): Promise<TrailedResponse> {
  return new Promise((resolve, reject) => {
    const interim: number[] = [];
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.trailers ? { Trailer: Object.keys(options.trailers).join(', ') } : {} });
    req.on('information', (info) => interim.push(info.statusCode));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), trailers: res.rawTrailers, interim }),
      );
    });
    for (const part of options.body ?? []) req.write(part);
    if (options.trailers) req.addTrailers(options.trailers);
    req.end();
  });
}

describe('interim responses', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function hintingBackend(cacheControl: string, features?: []) {
    const proxy = await h.proxy();
    let hits = 0;
    const upstream = await h.upstream((_req, res) => {
      hits++;
      res.writeEarlyHints({ link: LINK, 'x-hint': 'early' });
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': cacheControl });
      res.end('page');
    });
    await h.agent(proxy, upstream.url, features ? { features } : {});
    return { proxy, hits: () => hits };
  }

  it('gives the client the backend’s 103 before the 200, whose head has none of its fields', async () => {
    const { proxy } = await hintingBackend('no-store');
    const responses = await rawGet(proxy.port, '/page');
    expect(responses.map((r) => r.status)).toEqual([103, 200]);
    expect(responses[0]!.headers.link).toBe(LINK);
    expect(responses[0]!.headers['x-hint']).toBe('early');
    const final = responses[1]!;
    expect([final.headers.link, final.headers['x-hint'], final.body.toString(), final.complete]).toEqual([undefined, undefined, 'page', true]);
  });

  it('asks the backend again for a response it may not store, and relays its 103 again', async () => {
    const { proxy, hits } = await hintingBackend('no-store');
    await rawGet(proxy.port, '/again');
    const second = await rawGet(proxy.port, '/again');
    expect(second.map((r) => r.status)).toEqual([103, 200]);
    expect(hits()).toBe(2);
  });

  it('stores the final response only: a hit from the cache carries no 103', async () => {
    const { proxy, hits } = await hintingBackend('public, max-age=60');
    const first = await rawGet(proxy.port, '/cached');
    expect(first.map((r) => r.status)).toEqual([103, 200]);
    const second = await rawGet(proxy.port, '/cached');
    expect(second.map((r) => r.status)).toEqual([200]);
    expect(second[0]!.headers['cache-status']).toMatch(/hit/);
    expect([second[0]!.headers.link, second[0]!.body.toString()]).toEqual([undefined, 'page']);
    expect(hits()).toBe(1);
  });

  it('gives nothing but the final response to an HTTP/1.0 client (RFC 9110 §15.2)', async () => {
    const { proxy } = await hintingBackend('no-store');
    const result = await rawExchange(proxy.port, [requestText('GET /old HTTP/1.0', ['Host: app.test'])]);
    expect(result.responses.map((r) => r.status)).toEqual([200]);
  });

  it('drops the 103 of an agent without the interim feature, and still serves the response', async () => {
    const { proxy } = await hintingBackend('no-store', []);
    const responses = await rawGet(proxy.port, '/plain');
    expect(responses.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'page']]);
  });

  it('fails a backend that answers with an unsolicited 100 Continue as upstream_error (undici refuses it)', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeContinue();
      res.end('after 100');
    });
    await h.agent(proxy, upstream.url);
    const responses = await rawGet(proxy.port, '/continue');
    expect(responses.map((r) => [r.status, r.headers['x-harp-error']])).toEqual([[502, 'upstream_error']]);
  });

  it('sends a client that expects 100-continue exactly one 100, and the agent’s interim responses after it', async () => {
    const proxy = await h.proxy();
    const agent = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }], { 'Harp-Features': 'interim' });
    h.defer(() => agent.terminate());
    expect(agent.welcome?.features).toEqual(['interim']);
    const exchange = rawExchange(
      proxy.port,
      [requestText('POST /upload HTTP/1.1', ['Host: app.test', 'Content-Length: 2', 'Expect: 100-continue', 'Connection: close']), { pauseMs: 100 }, 'hi'],
      { responses: 3 },
    );
    const head = await agent.nextRequest();
    await agent.next((f) => f.type === FrameType.Data && f.payload.length > 0);
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 100, reason: 'Continue', headers: [] }, false));
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 103, reason: 'Early Hints', headers: [['Link', LINK]] }, false));
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 201, reason: 'Created', headers: [['Content-Length', '2']] }, false));
    agent.send(encodeData(head.streamId, Buffer.from('ok'), true));
    const { responses } = await exchange;
    expect(responses.map((r) => r.status)).toEqual([100, 103, 201]);
    expect(responses[2]!.body.toString()).toBe('ok');
  });
});

describe('trailers', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('gives an HTTP/1.1 client the backend’s trailers at the end of a chunked body, and only those allowed in trailers', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Checksum, Server-Timing' });
      res.write('chunk-1;');
      res.addTrailers([
        ['X-Checksum', 'sha-abc'],
        ['Server-Timing', 'db;dur=53'],
        ['Content-Type', 'text/evil'],
      ]);
      res.end('chunk-2');
    });
    await h.agent(proxy, upstream.url);
    const res = await fetchWithTrailers(`${proxy.url}/trailed`);
    expect([res.status, res.headers['transfer-encoding'], res.body]).toEqual([200, 'chunked', 'chunk-1;chunk-2']);
    expect(res.trailers).toEqual(['X-Checksum', 'sha-abc', 'Server-Timing', 'db;dur=53']);
    expect(res.headers['x-checksum']).toBeUndefined();
    expect(res.headers['content-type']).toBe('text/plain');
  });

  it('sends the client’s request trailers through the tunnel after the request body', async () => {
    const proxy = await h.proxy();
    const agent = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }], { 'Harp-Features': 'interim, trailers' });
    h.defer(() => agent.terminate());
    expect(agent.welcome?.features).toEqual(['interim', 'trailers']);
    const answered = fetchWithTrailers(`${proxy.url}/upload`, { method: 'POST', body: ['part-1;', 'part-2'], trailers: { 'X-Checksum': 'c0ffee' } });
    const head = await agent.nextRequest();
    const body: Buffer[] = [];
    const last = await agent.next((f: Frame) => {
      if (f.type === FrameType.Data) body.push(f.payload);
      return f.type === FrameType.Trailers || (f.type === FrameType.Data && (f.flags & 1) === 1);
    });
    expect(last.type).toBe(FrameType.Trailers);
    expect((last as TrailersFrame).fields).toEqual([['X-Checksum', 'c0ffee']]);
    expect(Buffer.concat(body).toString()).toBe('part-1;part-2');
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 200, reason: 'OK', headers: [] }, false));
    agent.send(encodeData(head.streamId, Buffer.from('thanks'), false));
    agent.send(encodeTrailersFrame(head.streamId, [['Grpc-Status', '0']]));
    const res = await answered;
    expect([res.status, res.body, res.trailers]).toEqual([200, 'thanks', ['Grpc-Status', '0']]);
  });

  it('delivers the body of a request with trailers whole to the backend (the agent cannot send the trailers on)', async () => {
    const proxy = await h.proxy();
    let received: { body: string; trailers: string[] } | undefined;
    const upstream = await h.upstream((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received = { body: Buffer.concat(chunks).toString(), trailers: req.rawTrailers };
        res.end('ok');
      });
    });
    await h.agent(proxy, upstream.url);
    const res = await fetchWithTrailers(`${proxy.url}/up`, { method: 'PUT', body: ['a', 'b'], trailers: { 'X-Checksum': 'ab' } });
    expect([res.status, res.body]).toEqual([200, 'ok']);
    expect(received).toEqual({ body: 'ab', trailers: [] });
  });

  it('serves an agent without the trailers feature as before: the body whole, the trailers dropped', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('a');
      res.addTrailers({ 'X-Checksum': 'x' });
      res.end('b');
    });
    await h.agent(proxy, upstream.url, { features: [] });
    const res = await fetchWithTrailers(`${proxy.url}/old-agent`);
    expect([res.status, res.body, res.trailers]).toEqual([200, 'ab', []]);
  });

  it('sends no features in welcome to an agent whose handshake offered none, as a proxy before them did', async () => {
    const proxy = await h.proxy();
    const agent = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }]);
    h.defer(() => agent.terminate());
    expect(agent.welcome).toBeDefined();
    expect(Object.keys(agent.welcome!)).not.toContain('features');
    // Its TRAILERS would be a reserved frame type there: the proxy fails the connection.
    const answered = fetchWithTrailers(`${proxy.url}/x`).catch((err: Error) => err);
    const head = await agent.nextRequest();
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 200, reason: 'OK', headers: [] }, false));
    agent.send(encodeTrailersFrame(head.streamId, []));
    expect(await agent.closed).toMatchObject({ code: 1002, errorCode: 'frame_unknown_type' });
    await answered;
  });
});

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

describeRedis('interim responses and trailers across the cluster hop', () => {
  const h = new Harness();
  const scratch = redisScratch('interim-and-trailers');
  afterEach(() => h.closeAll());
  const node = clusterNodes(h, scratch);

  it('gives a client of the node without the agent the 103, the final response and its trailers', async () => {
    const a = await node('a');
    const b = await node('b');
    await h.agent(a, (_req, res) => {
      res.writeEarlyHints({ link: LINK });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('from ');
      res.addTrailers({ 'Server-Timing': 'app;dur=7' });
      res.end('a');
    });
    await untilHolders(b.url, '*', '/', ['a']);
    const responses = await rawGet(b.port, '/hinted');
    expect(responses.map((r) => r.status)).toEqual([103, 200]);
    expect([responses[0]!.headers.link, responses[1]!.headers.link, responses[1]!.body.toString()]).toEqual([LINK, undefined, 'from a']);
    const trailed = await fetchWithTrailers(`${b.url}/trailed`);
    expect([trailed.status, trailed.body, trailed.interim, trailed.trailers]).toEqual([200, 'from a', [103], ['Server-Timing', 'app;dur=7']]);
  });

  it('carries the client’s request trailers through both nodes to the agent', async () => {
    const a = await node('a');
    const b = await node('b');
    const agent = await RawAgent.connect(a.url, [{ host: '*', path: '/' }], { 'Harp-Features': 'trailers' });
    h.defer(() => agent.terminate());
    await untilHolders(b.url, '*', '/', ['a']);
    const answered = fetchWithTrailers(`${b.url}/upload`, { method: 'POST', body: ['x'], trailers: { 'X-Checksum': 'x1' } });
    const head = await agent.nextRequest();
    const last = await agent.next((f) => f.type === FrameType.Trailers || (f.type === FrameType.Data && (f.flags & 1) === 1));
    expect(last.type === FrameType.Trailers ? last.fields : 'ended without trailers').toEqual([['X-Checksum', 'x1']]);
    agent.send(encodeResponseHeadFrame(head.streamId, { status: 204, reason: 'No Content', headers: [] }, true));
    expect((await answered).status).toBe(204);
  });
});

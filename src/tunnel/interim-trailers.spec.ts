import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeData, encodeResponseHeadFrame, encodeTrailersFrame } from '../protocol/index.js';
import type { HeaderField, ProtocolError, RequestHead, ResponseHead, TunnelFeature } from '../protocol/index.js';
import { TunnelConnection } from './tunnel-connection.js';
import type { TunnelStream } from './tunnel-stream.js';

// The optional features of docs/protocol.md §3.5 over a real pair of `ws` sockets: interim
// heads (§5.4) and TRAILERS (§5.5) with the features, and version 1 as before without them.

const LIMITS = { windowBytes: 64 * 1024, maxFrameBytes: 16 * 1024, maxStreams: 10 };
const POST: RequestHead = { method: 'POST', target: '/up', headers: [['Host', 'app.example.com']] };
const HINTS: ResponseHead = { status: 103, reason: 'Early Hints', headers: [['Link', '</a.css>; rel=preload']] };
const OK: ResponseHead = { status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] };
const TRAILERS: HeaderField[] = [['Server-Timing', 'db;dur=5'], ['X-Checksum', 'abc']];

interface Pair {
  proxy: TunnelConnection<'proxy'>;
  agent: TunnelConnection<'agent'>;
  agentWs: WebSocket;
  proxyErrors: ProtocolError[];
  agentErrors: ProtocolError[];
}

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function pair(features: TunnelFeature[]): Promise<Pair> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(server, 'listening');
  const accepted = new Promise<TunnelConnection<'proxy'>>((resolve) =>
    server.once('connection', (ws) => {
      closers.push(() => ws.terminate());
      resolve(new TunnelConnection(ws, 'proxy', LIMITS));
    }),
  );
  closers.push(() => server.close());
  const agentWs = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { perMessageDeflate: false });
  closers.push(() => agentWs.terminate());
  const agent = new TunnelConnection(agentWs, 'agent', LIMITS);
  await once(agentWs, 'open');
  const proxy = await accepted;
  proxy.features = new Set(features);
  agent.features = new Set(features);
  const proxyErrors: ProtocolError[] = [];
  const agentErrors: ProtocolError[] = [];
  proxy.on('protocolError', (e) => proxyErrors.push(e));
  agent.on('protocolError', (e) => agentErrors.push(e));
  agent.on('stream', (stream) => stream.on('error', () => undefined));
  return { proxy, agent, agentWs, proxyErrors, agentErrors };
}

function nextAgentStream(agent: TunnelConnection<'agent'>): Promise<TunnelStream> {
  return new Promise((resolve) => agent.once('stream', (stream) => resolve(stream)));
}

/** Reads a stream to its end: the body and the trailers it ended with. */
async function drain(stream: TunnelStream): Promise<{ body: string; trailers?: readonly HeaderField[] }> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  await once(stream, 'end');
  return { body: Buffer.concat(chunks).toString(), trailers: stream.trailers };
}

describe('with the interim and trailers features', () => {
  it('delivers interim heads before the final head, and the response trailers at its end', async () => {
    const { proxy, agent } = await pair(['interim', 'trailers']);
    const arriving = nextAgentStream(agent);
    const stream = proxy.openStream({ ...POST, method: 'GET' }, true);
    stream.on('error', () => undefined);
    const seen: string[] = [];
    stream.on('interim', (h: ResponseHead) => seen.push(`interim ${h.status} ${h.headers[0]?.[1]}`));
    stream.once('head', (h: ResponseHead) => seen.push(`head ${h.status}`));
    const upstream = await arriving;
    expect(agent.sendInterimHead(upstream, HINTS)).toBe(true);
    expect(agent.sendInterimHead(upstream, { ...HINTS, status: 102, headers: [] })).toBe(true);
    agent.sendResponseHead(upstream, OK, false);
    upstream.write('hello');
    expect(upstream.endWithTrailers(TRAILERS)).toBe(true);
    const { body, trailers } = await drain(stream);
    expect(seen).toEqual(['interim 103 </a.css>; rel=preload', 'interim 102 undefined', 'head 200']);
    expect(stream.responseHead).toEqual(OK);
    expect({ body, trailers }).toEqual({ body: 'hello', trailers: TRAILERS });
  });

  it('carries the request trailers to the agent after the request body', async () => {
    const { proxy, agent } = await pair(['interim', 'trailers']);
    const arriving = nextAgentStream(agent);
    const stream = proxy.openStream(POST, false);
    stream.on('error', () => undefined);
    stream.write('part-1;');
    stream.write('part-2');
    expect(stream.endWithTrailers([['X-Checksum', 'c0ffee']])).toBe(true);
    const upstream = await arriving;
    expect(await drain(upstream)).toEqual({ body: 'part-1;part-2', trailers: [['X-Checksum', 'c0ffee']] });
  });

  it('ends a direction with no trailer fields as without the feature', async () => {
    const { proxy, agent } = await pair(['trailers']);
    const arriving = nextAgentStream(agent);
    const stream = proxy.openStream(POST, false);
    stream.on('error', () => undefined);
    stream.write('x');
    expect(stream.endWithTrailers([])).toBe(false);
    expect(await drain(await arriving)).toEqual({ body: 'x', trailers: undefined });
  });

  it.each<[string, (id: number) => Buffer[], string]>([
    ['an interim head after the final head', (id) => [encodeResponseHeadFrame(id, OK, false), encodeResponseHeadFrame(id, HINTS, false)], 'stream_state'],
    ['TRAILERS before the final head', (id) => [encodeResponseHeadFrame(id, HINTS, false), encodeTrailersFrame(id, [])], 'stream_state'],
    ['DATA after TRAILERS', (id) => [encodeResponseHeadFrame(id, OK, false), encodeTrailersFrame(id, []), encodeData(id, Buffer.from('x'), false)], 'stream_state'],
  ])('fails the connection for %s', async (_name, frames, code) => {
    const { proxy, agentWs, proxyErrors } = await pair(['interim', 'trailers']);
    const stream = proxy.openStream(POST, false);
    stream.on('error', () => undefined);
    // DATA after TRAILERS arrives for a stream that is still open: the request body has not ended.
    for (const frame of frames(stream.id)) agentWs.send(frame);
    await once(proxy, 'close');
    expect(proxyErrors.map((e) => e.code)).toEqual([code]);
  });
});

describe('without the features (a peer that predates them)', () => {
  it('takes a 1xx head for the final head, as version 1 always did', async () => {
    const { proxy, agent } = await pair([]);
    const arriving = nextAgentStream(agent);
    const stream = proxy.openStream({ ...POST, method: 'GET' }, true);
    stream.on('error', () => undefined);
    const head = new Promise<ResponseHead>((resolve) => stream.once('head', resolve));
    const interims: ResponseHead[] = [];
    stream.on('interim', (h: ResponseHead) => interims.push(h));
    const upstream = await arriving;
    // The agent side never sends one without the feature...
    expect(agent.sendInterimHead(upstream, HINTS)).toBe(false);
    agent.sendResponseHead(upstream, OK, true);
    expect(await head).toEqual(OK);
    // ...and a raw 1xx head on a stream of a connection without it is its final head.
    const second = proxy.openStream({ ...POST, method: 'GET' }, true);
    second.on('error', () => undefined);
    const secondHead = new Promise<ResponseHead>((resolve) => second.once('head', resolve));
    const secondUpstream = await new Promise<TunnelStream>((resolve) => agent.once('stream', resolve));
    agent.sendFrame(encodeResponseHeadFrame(secondUpstream.id, HINTS, false));
    expect(await secondHead).toEqual(HINTS);
    expect(interims).toEqual([]);
  });

  it('ends a direction without trailers, and drops them', async () => {
    const { proxy, agent } = await pair(['interim']);
    const arriving = nextAgentStream(agent);
    const stream = proxy.openStream(POST, false);
    stream.on('error', () => undefined);
    stream.write('x');
    expect(stream.endWithTrailers(TRAILERS)).toBe(false);
    expect(await drain(await arriving)).toEqual({ body: 'x', trailers: undefined });
  });

  it('fails the connection with frame_unknown_type on a TRAILERS frame', async () => {
    const { proxy, agentWs, proxyErrors } = await pair(['interim']);
    const stream = proxy.openStream(POST, false);
    stream.on('error', () => undefined);
    agentWs.send(encodeResponseHeadFrame(stream.id, OK, false));
    agentWs.send(encodeTrailersFrame(stream.id, TRAILERS));
    await once(proxy, 'close');
    expect(proxyErrors.map((e) => e.code)).toEqual(['frame_unknown_type']);
  });
});

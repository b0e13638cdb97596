import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  encodeData,
  encodeRequestHeadFrame,
  encodeReset,
  encodeResponseHeadFrame,
  encodeWindowUpdate,
  parseAgentControl,
  parseProxyControl,
  ResetCode,
} from '../protocol/index.js';
import type { AgentControl, ProtocolError, ProtocolErrorCode, ProxyControl, RequestHead } from '../protocol/index.js';
import { StreamResetError } from './stream-errors.js';
import { TunnelConnection } from './tunnel-connection.js';
import type { TunnelLimits } from './tunnel-connection.js';
import type { TunnelStream } from './tunnel-stream.js';

// TunnelConnection and TunnelStream over a real pair of `ws` sockets on 127.0.0.1: the server
// side plays the proxy, the client side the agent.

const KIB = 1024;
const LIMITS: TunnelLimits = { windowBytes: 64 * KIB, maxFrameBytes: 16 * KIB, maxStreams: 1000 };
const GET: RequestHead = { method: 'GET', target: '/', headers: [['Host', 'app.example.com']] };

interface Pair {
  proxy: TunnelConnection<'proxy'>;
  agent: TunnelConnection<'agent'>;
  /** The raw sockets, to send what a well-behaved TunnelConnection never would. */
  proxyWs: WebSocket;
  agentWs: WebSocket;
  /** Protocol errors each side emitted, in order. */
  proxyErrors: ProtocolError[];
  agentErrors: ProtocolError[];
  /** The close code each raw socket saw. */
  proxyClosed: Promise<number>;
  agentClosed: Promise<number>;
}

const servers: WebSocketServer[] = [];
const sockets: WebSocket[] = [];

async function pair(limits: TunnelLimits = LIMITS): Promise<Pair> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  servers.push(server);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const accepted = new Promise<{ proxy: TunnelConnection<'proxy'>; proxyWs: WebSocket }>((resolve) => {
    // Wrap at once: a frame that arrives before the wrapper listens would be lost.
    server.once('connection', (proxyWs) => {
      sockets.push(proxyWs);
      resolve({ proxy: new TunnelConnection(proxyWs, 'proxy', limits), proxyWs });
    });
  });
  // An all-zero mask: ws then skips masking, as docs/protocol.md recommends for agents.
  const agentWs = new WebSocket(`ws://127.0.0.1:${port}/_harp/connect`, {
    perMessageDeflate: false,
    generateMask: () => undefined,
  });
  sockets.push(agentWs);
  const agent = new TunnelConnection(agentWs, 'agent', limits);
  await once(agentWs, 'open');
  const { proxy, proxyWs } = await accepted;
  const proxyErrors: ProtocolError[] = [];
  const agentErrors: ProtocolError[] = [];
  proxy.on('protocolError', (e) => proxyErrors.push(e));
  // Tests that care about an agent stream's error listen for it; the rest must not crash when
  // afterEach tears the connection down under a stream they left open.
  agent.on('stream', (stream) => stream.on('error', () => undefined));
  agent.on('protocolError', (e) => agentErrors.push(e));
  const closeCode = (ws: WebSocket): Promise<number> =>
    new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
  return {
    proxy,
    agent,
    proxyWs,
    agentWs,
    proxyErrors,
    agentErrors,
    proxyClosed: closeCode(proxyWs),
    agentClosed: closeCode(agentWs),
  };
}

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Rejects after `ms`, so a hang fails one test quickly instead of the whole file slowly. */
function within<T>(promise: Promise<T>, ms = 5000, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The whole readable side of a stream. */
function collect(stream: TunnelStream): Promise<Buffer> {
  return within(
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('end', () => resolve(Buffer.concat(chunks)));
      stream.once('error', reject);
      stream.resume();
    }),
    10_000,
    `body of stream ${stream.id}`,
  );
}

/** The error a stream ends with; fails if it ends cleanly. */
function failure(stream: TunnelStream): Promise<StreamResetError> {
  return within(
    new Promise<StreamResetError>((resolve, reject) => {
      stream.once('error', (err) => resolve(err as StreamResetError));
      stream.once('close', () => setImmediate(() => reject(new Error(`stream ${stream.id} closed without error`))));
    }),
    5000,
    `reset of stream ${stream.id}`,
  );
}

/** The next stream the agent is offered. */
function nextStream(agent: TunnelConnection): Promise<[TunnelStream, RequestHead]> {
  return within(once(agent, 'stream') as Promise<[TunnelStream, RequestHead]>, 5000, 'agent stream');
}

/** The next `count` streams the agent is offered, in order. */
function nextStreams(agent: TunnelConnection, count: number): Promise<Array<[TunnelStream, RequestHead]>> {
  const offered: Array<[TunnelStream, RequestHead]> = [];
  return within(
    new Promise((resolve) => {
      const take = (stream: TunnelStream, head: RequestHead): void => {
        offered.push([stream, head]);
        if (offered.length < count) return;
        agent.off('stream', take);
        resolve(offered);
      };
      agent.on('stream', take);
    }),
    5000,
    `${count} agent streams`,
  );
}

function headOf(stream: TunnelStream): Promise<unknown> {
  if (stream.responseHead) return Promise.resolve(stream.responseHead);
  return within(once(stream, 'head').then(([head]) => head), 5000, `head of stream ${stream.id}`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** How many writes the socket under `ws` has made since this was called (a writev counts once). */
function countSocketWrites(ws: WebSocket): () => number {
  type Write = (...args: unknown[]) => unknown;
  const socket = (ws as unknown as { _socket: Socket & { _write: Write; _writev: Write } })._socket;
  let count = 0;
  for (const method of ['_write', '_writev'] as const) {
    const original = socket[method];
    socket[method] = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  }
  return () => count;
}

/** Answers every stream with `200` and `reply(request body)` as the response body. */
function serveEcho(agent: TunnelConnection, reply: (body: Buffer, head: RequestHead) => Buffer = (b) => b): void {
  agent.on('stream', (stream, head) => {
    collect(stream).then(
      (body) => {
        agent.sendResponseHead(stream, { status: 200, reason: 'OK', headers: head.headers }, false);
        stream.end(reply(body, head));
      },
      () => undefined,
    );
  });
}

/** One full GET exchange, to show a connection still works. */
async function roundTrip(p: Pair, text: string): Promise<string> {
  const stream = p.proxy.openStream({ method: 'POST', target: '/echo', headers: [] }, false);
  stream.end(text);
  await headOf(stream);
  return (await collect(stream)).toString();
}

describe('TunnelConnection over real WebSockets', () => {
  it('carries a GET with END on the head and a response with a body', async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, true);
    expect(stream.id).toBe(1);
    expect(stream.localEnded).toBe(true);

    const [agentStream, head] = await offered;
    expect(head).toEqual(GET);
    expect(agentStream.id).toBe(1);
    expect(await collect(agentStream)).toEqual(Buffer.alloc(0));
    p.agent.sendResponseHead(agentStream, { status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] }, false);
    agentStream.end('hello, world');

    expect(await headOf(stream)).toEqual({ status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] });
    expect((await collect(stream)).toString()).toBe('hello, world');
    // Both directions ended: each side forgets the stream.
    await until(() => p.proxy.streams.size === 0 && p.agent.streams.size === 0, 'streams to close');
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it("sends a response's head, body and end, written in one tick, in one socket write", async () => {
    // A write system call costs more than the bytes it carries (on loopback it also runs the
    // kernel's delivery): frames sent in one tick share one.
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, true);
    const [agentStream] = await offered;
    await collect(agentStream);
    const writes = countSocketWrites(p.agentWs);

    p.agent.sendResponseHead(agentStream, { status: 200, reason: 'OK', headers: [] }, false);
    agentStream.write('hello, ');
    agentStream.end('world');
    expect((await collect(stream)).toString()).toBe('hello, world');
    expect(writes()).toBe(1);
  });

  it('holds small frames of different ticks to one write per turn while several streams are open', async () => {
    // Under load every public request and upstream answer is its own I/O callback: the frames of
    // all of a turn's callbacks share one write instead of one write each.
    const p = await pair();
    const offered = nextStreams(p.agent, 3);
    const streams = [p.proxy.openStream(GET, true), p.proxy.openStream(GET, true)];
    const idle = p.proxy.openStream(GET, true); // still open when the others are answered
    idle.on('error', () => undefined);
    const agentStreams = (await offered).slice(0, 2).map(([stream]) => stream);
    const writes = countSocketWrites(p.agentWs);

    await new Promise<void>((resolve) => {
      for (const stream of agentStreams) {
        setImmediate(() => p.agent.sendResponseHead(stream, { status: 204, reason: 'No Content', headers: [] }, true));
      }
      setImmediate(resolve);
    });
    expect(writes()).toBe(0); // still held: the turn has not ended
    expect(await Promise.all(streams.map((stream) => headOf(stream).then((head) => (head as { status: number }).status)))).toEqual([204, 204]);
    expect(writes()).toBe(1);
  });

  it("sends a lone stream's frames at the end of their tick, not of the turn", async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, true);
    const [agentStream] = await offered;
    const writes = countSocketWrites(p.agentWs);

    const afterTick = await new Promise<number>((resolve) => {
      setImmediate(() => {
        p.agent.sendResponseHead(agentStream, { status: 204, reason: 'No Content', headers: [] }, true);
        process.nextTick(() => resolve(writes()));
      });
    });
    expect(afterTick).toBe(1);
    expect(await headOf(stream)).toMatchObject({ status: 204 });
  });

  it('sends a large DATA payload at the end of its tick even while several streams are open', async () => {
    const p = await pair();
    const offered = nextStreams(p.agent, 2);
    const streams = [p.proxy.openStream(GET, true), p.proxy.openStream(GET, true)];
    const [[first], [second]] = await offered;
    for (const open of [streams[1], second]) open.on('error', () => undefined);
    p.agent.sendResponseHead(first, { status: 200, reason: 'OK', headers: [] }, false);
    await headOf(streams[0]);
    const writes = countSocketWrites(p.agentWs);

    const payload = randomBytes(LIMITS.maxFrameBytes);
    const afterTick = await new Promise<number>((resolve) => {
      setImmediate(() => {
        first.end(payload);
        process.nextTick(() => resolve(writes()));
      });
    });
    expect(afterTick).toBeGreaterThanOrEqual(1);
    expect(await collect(streams[0])).toEqual(payload);
  });

  it('carries a response head with END_STREAM (no body) and opens odd, increasing ids', async () => {
    const p = await pair();
    p.agent.on('stream', (stream) => p.agent.sendResponseHead(stream, { status: 204, reason: 'No Content', headers: [] }, true));
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const stream = p.proxy.openStream(GET, true);
      ids.push(stream.id);
      expect(await headOf(stream)).toEqual({ status: 204, reason: 'No Content', headers: [] });
      expect((await collect(stream)).length).toBe(0);
    }
    expect(ids).toEqual([1, 3, 5]);
  });

  it('streams a request body proxy → agent as it is written', async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream({ method: 'POST', target: '/upload', headers: [['Content-Type', 'text/plain']] }, false);
    const [agentStream] = await offered;

    // The agent sees each chunk before the proxy has written the next one.
    const seen: string[] = [];
    agentStream.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    const ended = once(agentStream, 'end');
    for (const part of ['one,', 'two,', 'three']) {
      stream.write(part);
      await until(() => seen.join('').endsWith(part), `chunk ${part}`);
    }
    stream.end();
    await within(ended);
    expect(seen.join('')).toBe('one,two,three');
    expect(agentStream.remoteEnded).toBe(true);

    p.agent.sendResponseHead(agentStream, { status: 201, reason: 'Created', headers: [] }, true);
    expect(await headOf(stream)).toMatchObject({ status: 201 });
    await collect(stream);
  });

  it('moves 2 MiB each way byte-exact through a 64 KiB window', async () => {
    const p = await pair({ windowBytes: 64 * KIB, maxFrameBytes: 16 * KIB, maxStreams: 10 });
    const upload = randomBytes(2 * KIB * KIB);
    const download = randomBytes(2 * KIB * KIB);
    let received: Buffer | undefined;
    let largestFrame = 0;
    p.proxyWs.on('message', (data: Buffer) => (largestFrame = Math.max(largestFrame, data.length)));
    p.agent.on('stream', (stream) => {
      void collect(stream).then((body) => {
        received = body;
        p.agent.sendResponseHead(stream, { status: 200, reason: 'OK', headers: [] }, false);
        stream.end(download);
      });
    });
    const stream = p.proxy.openStream({ method: 'PUT', target: '/big', headers: [] }, false);
    stream.end(upload);
    const body = await collect(stream);

    expect(received?.equals(upload)).toBe(true);
    expect(body.equals(download)).toBe(true);
    expect(stream.bytesReceived).toBe(download.length);
    expect(largestFrame).toBeLessThanOrEqual(16 * KIB + 8);
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('bounds what a sender sends to a paused reader to one window, then delivers everything', async () => {
    const window = 64 * KIB;
    const maxFrame = 16 * KIB;
    const p = await pair({ windowBytes: window, maxFrameBytes: maxFrame, maxStreams: 10 });
    const body = randomBytes(1024 * KIB);
    let agentStream: TunnelStream | undefined;
    let written = false;
    p.agent.on('stream', (stream) => {
      agentStream = stream;
      p.agent.sendResponseHead(stream, { status: 200, reason: 'OK', headers: [] }, false);
      stream.end(body, () => (written = true));
    });
    const stream = p.proxy.openStream(GET, true);
    stream.pause();
    await headOf(stream);

    // Let the sender run until it stalls; it must stall at about one window.
    await until(() => stream.bytesReceived >= window, 'one window to arrive');
    await sleep(200);
    expect(stream.bytesReceived).toBeLessThanOrEqual(window + maxFrame);
    expect(written).toBe(false);
    expect(agentStream?.writableLength).toBeGreaterThan(0);

    const all = await collect(stream);
    expect(all.equals(body)).toBe(true);
    await until(() => written, 'the sender to finish');
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('keeps 200 concurrent streams apart', async () => {
    const p = await pair();
    serveEcho(p.agent, (body, head) => Buffer.concat([Buffer.from(`${head.target}|`), body, body]));
    const bodies = Array.from({ length: 200 }, (_, i) => Buffer.from(`stream-${i}:`.repeat(50 + i * 7)));
    const results = await Promise.all(
      bodies.map(async (body, i) => {
        const stream = p.proxy.openStream({ method: 'POST', target: `/s/${i}`, headers: [['x-index', String(i)]] }, false);
        // Interleave writes so frames of different streams alternate on the socket.
        stream.write(body.subarray(0, body.length >> 1));
        setImmediate(() => stream.end(body.subarray(body.length >> 1)));
        const head = await headOf(stream);
        return { i, head, response: await collect(stream) };
      }),
    );
    for (const { i, head, response } of results) {
      expect(head).toEqual({ status: 200, reason: 'OK', headers: [['x-index', String(i)]] });
      expect(response.equals(Buffer.concat([Buffer.from(`/s/${i}|`), bodies[i]!, bodies[i]!]))).toBe(true);
    }
    expect(new Set(results.map((r) => r.i)).size).toBe(200);
    await until(() => p.proxy.streams.size === 0 && p.agent.streams.size === 0, 'all streams to close');
  });

  it('surfaces a RESET from the proxy as a peer StreamResetError on the agent', async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream({ method: 'POST', target: '/', headers: [] }, false);
    stream.write('partial');
    const [agentStream] = await offered;
    const agentFailure = failure(agentStream);
    const localFailure = failure(stream);

    stream.reset(ResetCode.Cancel, 'client went away');

    const err = await agentFailure;
    expect(err).toBeInstanceOf(StreamResetError);
    expect([err.resetCode, err.reason, err.origin]).toEqual([ResetCode.Cancel, 'client went away', 'peer']);
    expect((await localFailure).origin).toBe('local');
    await until(() => p.proxy.streams.size === 0 && p.agent.streams.size === 0, 'streams to close');
    // The connection outlives the stream.
    serveEcho(p.agent);
    expect(await roundTrip(p, 'still here')).toBe('still here');
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('surfaces a RESET from the agent as a peer StreamResetError on the proxy, with a unicode reason', async () => {
    const p = await pair();
    p.agent.on('stream', (stream) => {
      stream.on('error', () => undefined);
      p.agent.sendResponseHead(stream, { status: 200, reason: 'OK', headers: [] }, false);
      stream.write('some of the body');
      setTimeout(() => stream.reset(ResetCode.UpstreamError, 'upstream died — ✗'), 20);
    });
    const stream = p.proxy.openStream(GET, true);
    const err = await failure(stream);
    expect(err).toBeInstanceOf(StreamResetError);
    expect([err.resetCode, err.reason, err.origin]).toEqual([ResetCode.UpstreamError, 'upstream died — ✗', 'peer']);
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('refuses a stream over maxStreams with RESET Refused and keeps the others (regression: the refused stream had no error listener, an unhandled error event)', async () => {
    const p = await pair({ ...LIMITS, maxStreams: 2 });
    const offered: TunnelStream[] = [];
    p.agent.on('stream', (stream) => offered.push(stream));
    const first = p.proxy.openStream(GET, true);
    const second = p.proxy.openStream(GET, true);
    const third = p.proxy.openStream(GET, true);
    const err = await failure(third);
    expect([err.resetCode, err.origin]).toEqual([ResetCode.Refused, 'peer']);
    expect(offered.map((s) => s.id)).toEqual([first.id, second.id]);
    for (const stream of offered) p.agent.sendResponseHead(stream, { status: 200, reason: 'OK', headers: [] }, true);
    await Promise.all([collect(first), collect(second)]);
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('ignores frames for a stream that has closed (they may cross a RESET)', async () => {
    const p = await pair();
    serveEcho(p.agent);
    expect(await roundTrip(p, 'first')).toBe('first');
    await until(() => p.proxy.streams.size === 0, 'stream 1 to close');
    // Stream 1 is closed on the proxy; late frames for it are dropped, not an error.
    p.agentWs.send(encodeData(1, Buffer.from('late'), false));
    p.agentWs.send(encodeWindowUpdate(1, 100));
    p.agentWs.send(encodeReset(1, ResetCode.Cancel, 'late'));
    p.proxyWs.send(encodeData(1, Buffer.from('late'), true));
    expect(await roundTrip(p, 'second')).toBe('second');
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('stops sending DATA while the WebSocket holds too much unflushed data', async () => {
    // A window far larger than the body, so only the connection-level rule can hold the sender.
    const p = await pair({ windowBytes: 64 * KIB * KIB, maxFrameBytes: 64 * KIB, maxStreams: 10 });
    const body = randomBytes(24 * KIB * KIB);
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream({ method: 'PUT', target: '/big', headers: [] }, false);
    const [agentStream] = await offered;
    // The agent stops reading its TCP socket: the kernel buffers fill, then the proxy's socket.
    p.agentWs.pause();
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, p.proxyWs.bufferedAmount)), 1);
    try {
      stream.end(body);
      await until(() => p.proxy.isWritable() === false, 'the proxy connection to report backpressure');
      await sleep(300);
      peak = Math.max(peak, p.proxyWs.bufferedAmount);
      // About 1 MiB of unflushed data plus the frame in hand; never the whole 24 MiB body.
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(KIB * KIB + 2 * 64 * KIB);
      expect(stream.writableFinished).toBe(false);
    } finally {
      clearInterval(sampler);
    }
    p.agentWs.resume();
    expect((await collect(agentStream)).equals(body)).toBe(true);
    p.agent.sendResponseHead(agentStream, { status: 204, reason: 'No Content', headers: [] }, true);
    await collect(stream);
    expect([p.proxyErrors, p.agentErrors]).toEqual([[], []]);
  });

  it('ends open streams with origin "connection" when the socket closes', async () => {
    const p = await pair();
    const offered: TunnelStream[] = [];
    p.agent.on('stream', (stream) => offered.push(stream));
    const streams = [p.proxy.openStream(GET, false), p.proxy.openStream(GET, true)];
    await until(() => offered.length === 2, 'both streams to reach the agent');
    const failures = [...streams, ...offered].map(failure);
    const closed = [once(p.proxy, 'close'), once(p.agent, 'close')];

    p.agentWs.close(1001, 'agent stopping');

    for (const err of await Promise.all(failures)) {
      expect(err).toBeInstanceOf(StreamResetError);
      expect(err.origin).toBe('connection');
    }
    await within(Promise.all(closed));
    expect([p.proxy.isClosed, p.agent.isClosed]).toEqual([true, true]);
    expect([p.proxy.streams.size, p.agent.streams.size]).toEqual([0, 0]);
  });
  it('close() ends open streams at once, without waiting for the close handshake', async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, false);
    await offered;
    const ended = failure(stream);
    p.proxy.close(1001, 'proxy shutting down');
    expect(p.proxy.isClosed).toBe(true);
    expect(p.proxy.streams.size).toBe(0);
    expect((await ended).origin).toBe('connection');
    expect(await within(p.agentClosed)).toBe(1001);
  });

  it('fails a stream opened after the connection closed, instead of leaving it open forever', async () => {
    const p = await pair();
    const closed = once(p.proxy, 'close');
    p.agentWs.close(1000, 'bye');
    await within(closed);
    const stream = p.proxy.openStream(GET, true);
    const err = await failure(stream);
    expect(err.origin).toBe('connection');
    expect(p.proxy.streams.size).toBe(0);
  });

  it('closes on a malformed WebSocket frame and ends its streams with origin "connection"', async () => {
    const p = await pair();
    // The gateway's WsAdapter listens for socket errors; ws reports the frame error there.
    const socketErrors: Error[] = [];
    p.proxyWs.on('error', (err) => socketErrors.push(err));
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, false);
    await offered;
    const ended = failure(stream);
    // An unmasked client frame is invalid (RFC 6455 §5.1); write it under ws's feet.
    (p.agentWs as unknown as { _socket: NodeJS.WritableStream })._socket.write(Buffer.from([0x82, 0x01, 0x00]));
    expect((await ended).origin).toBe('connection');
    expect(await within(p.agentClosed)).toBe(1002);
    expect(socketErrors).toHaveLength(1);
    expect(p.proxy.isClosed).toBe(true);
  });

  it("sends each side's control messages in its direction, typed by the schemas the peer parses them with", async () => {
    const p = await pair();
    const toAgent = once(p.agent, 'control');
    const toProxy = once(p.proxy, 'control');
    const welcome: ProxyControl = { type: 'welcome', agentId: 'a-1', heartbeatMs: 5000, windowBytes: 1, maxFrameBytes: 1, maxStreams: 1 };
    const register: AgentControl = { type: 'register', id: 1, routes: [{ host: '*', path: '/' }] };
    p.proxy.sendControl(welcome);
    p.agent.sendControl(register);
    expect(parseProxyControl((await within(toAgent))[0])).toEqual(welcome);
    expect(parseAgentControl((await within(toProxy))[0])).toEqual(register);
    // Never called: `npm run typecheck` fails if a side could send what its peer refuses.
    const wrongWay = (untyped: TunnelConnection): void => {
      // @ts-expect-error: register is agent → proxy only
      p.proxy.sendControl(register);
      // @ts-expect-error: welcome is proxy → agent only
      p.agent.sendControl(welcome);
      // @ts-expect-error: registered needs its rejected list
      p.proxy.sendControl({ type: 'registered', id: 1, accepted: [] });
      // @ts-expect-error: a side of unknown role may send only what both may (drain, error)
      untyped.sendControl(register);
      untyped.sendControl({ type: 'drain' });
    };
    void wrongWay;
  });
});

describe('protocol errors close only the connection that broke the rules', () => {
  type Side = 'proxy' | 'agent';
  interface Case {
    name: string;
    /** The side that must detect the violation. */
    detects: Side;
    code: ProtocolErrorCode;
    /** Breaks the protocol on `p`; may set up streams first. */
    act: (p: Pair) => Promise<void> | void;
  }

  /** Opens stream 1 with a response head already delivered, its reader paused (no credit). */
  async function openedStream(p: Pair): Promise<TunnelStream> {
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, true);
    stream.on('error', () => undefined);
    stream.pause();
    const [agentStream] = await offered;
    agentStream.on('error', () => undefined);
    p.agent.sendResponseHead(agentStream, { status: 200, reason: 'OK', headers: [] }, false);
    await headOf(stream);
    return stream;
  }

  const cases: Case[] = [
    { name: 'garbage binary message', detects: 'proxy', code: 'frame_bad_version', act: (p) => p.agentWs.send(Buffer.from('GET / HTTP/1.1\r\n\r\n')) },
    { name: 'binary message shorter than a header', detects: 'agent', code: 'frame_too_short', act: (p) => p.proxyWs.send(Buffer.from([1, 0, 0])) },
    { name: 'text message', detects: 'proxy', code: 'text_frame', act: (p) => p.agentWs.send('{"type":"hello"}') },
    { name: 'text message to the agent', detects: 'agent', code: 'text_frame', act: (p) => p.proxyWs.send('hi') },
    { name: 'DATA for a never-opened stream (to the proxy)', detects: 'proxy', code: 'stream_unknown', act: (p) => p.agentWs.send(encodeData(7, Buffer.from('x'), false)) },
    { name: 'DATA for a never-opened stream (to the agent)', detects: 'agent', code: 'stream_unknown', act: (p) => p.proxyWs.send(encodeData(5, Buffer.from('x'), false)) },
    { name: 'WINDOW_UPDATE for an even stream id', detects: 'proxy', code: 'stream_unknown', act: (p) => p.agentWs.send(encodeWindowUpdate(2, 1)) },
    {
      name: 'DATA past the window',
      detects: 'proxy',
      code: 'flow_control',
      act: async (p) => {
        const stream = await openedStream(p);
        const frame = Buffer.alloc(LIMITS.maxFrameBytes, 0x61);
        for (let sent = 0; sent < LIMITS.windowBytes; sent += frame.length) p.agentWs.send(encodeData(stream.id, frame, false));
        p.agentWs.send(encodeData(stream.id, Buffer.from('!'), false));
      },
    },
    {
      name: 'WINDOW_UPDATE taking the window above 2^31-1',
      detects: 'agent',
      code: 'flow_control',
      act: async (p) => {
        const stream = await openedStream(p);
        p.proxyWs.send(encodeWindowUpdate(stream.id, 0x7fffffff));
      },
    },
    {
      name: 'DATA before the response head',
      detects: 'proxy',
      code: 'stream_state',
      act: async (p) => {
        const offered = nextStream(p.agent);
        p.proxy.openStream(GET, true).on('error', () => undefined);
        await offered;
        p.agentWs.send(encodeData(1, Buffer.from('body first'), false));
      },
    },
    {
      name: 'a second response head',
      detects: 'proxy',
      code: 'stream_state',
      act: async (p) => {
        await openedStream(p);
        p.agentWs.send(encodeResponseHeadFrame(1, { status: 200, reason: 'OK', headers: [] }, false));
      },
    },
    {
      name: 'DATA after END_STREAM',
      detects: 'agent',
      code: 'stream_state',
      act: async (p) => {
        const offered = nextStream(p.agent);
        p.proxy.openStream(GET, true).on('error', () => undefined);
        (await offered)[0].on('error', () => undefined);
        p.proxyWs.send(encodeData(1, Buffer.from('after end'), false));
      },
    },
    { name: 'REQUEST_HEAD sent to the proxy', detects: 'proxy', code: 'stream_state', act: (p) => p.agentWs.send(encodeRequestHeadFrame(2, GET, true)) },
    { name: 'REQUEST_HEAD with an even id', detects: 'agent', code: 'stream_state', act: (p) => p.proxyWs.send(encodeRequestHeadFrame(2, GET, true)) },
    {
      name: 'REQUEST_HEAD reusing an id',
      detects: 'agent',
      code: 'stream_state',
      act: async (p) => {
        p.agent.on('stream', (s) => s.on('error', () => undefined));
        p.proxyWs.send(encodeRequestHeadFrame(3, GET, true));
        p.proxyWs.send(encodeRequestHeadFrame(1, GET, true));
      },
    },
    { name: 'RESPONSE_HEAD sent to the agent', detects: 'agent', code: 'stream_state', act: (p) => p.proxyWs.send(encodeResponseHeadFrame(1, { status: 200, reason: '', headers: [] }, true)) },
  ];

  it.each(cases)('$name: $detects emits $code and closes with 1002', async ({ detects, code, act }) => {
    const broken = await pair();
    const healthy = await pair();
    serveEcho(healthy.agent);
    const detector = detects === 'proxy' ? broken.proxy : broken.agent;
    const errors = detects === 'proxy' ? broken.proxyErrors : broken.agentErrors;
    const peer = detects === 'proxy' ? broken.agent : broken.proxy;
    const told = within(once(peer, 'control'), 5000, 'the error control message');
    const peerClosed = detects === 'proxy' ? broken.agentClosed : broken.proxyClosed;

    await act(broken);

    expect(await within(peerClosed, 5000, 'the close')).toBe(1002);
    await until(() => detector.isClosed, 'the detecting side to close');
    expect(errors.map((e) => e.code)).toEqual([code]);
    // The peer hears why before the close.
    expect((await told)[0]).toMatchObject({ type: 'error', code });
    // An independent connection is unaffected.
    expect(await roundTrip(healthy, 'unaffected')).toBe('unaffected');
    expect([healthy.proxyErrors, healthy.agentErrors]).toEqual([[], []]);
  });

  it('reports one protocol error even when more bad frames follow before the close completes', async () => {
    const p = await pair();
    p.agentWs.send(Buffer.from('garbage-1'));
    p.agentWs.send(Buffer.from('garbage-2'));
    p.agentWs.send('text');
    expect(await within(p.agentClosed)).toBe(1002);
    expect(p.proxyErrors.map((e) => e.code)).toEqual(['frame_bad_version']);
  });

  it('rejects DATA larger than maxFrameBytes with frame_too_large, even inside the window', async () => {
    const p = await pair({ windowBytes: 64 * KIB, maxFrameBytes: 16 * KIB, maxStreams: 10 });
    const offered = nextStream(p.agent);
    const stream = p.proxy.openStream(GET, true);
    stream.on('error', () => undefined);
    const [agentStream] = await offered;
    agentStream.on('error', () => undefined);
    p.agent.sendResponseHead(agentStream, { status: 200, reason: 'OK', headers: [] }, false);
    await headOf(stream);
    p.agentWs.send(encodeData(stream.id, Buffer.alloc(16 * KIB + 1), false));
    expect(await within(p.agentClosed)).toBe(1002);
    expect(p.proxyErrors.map((e) => e.code)).toEqual(['frame_too_large']);
  });

  it('treats an even stream id below the highest opened one as never opened on the agent (regression: the agent ignored it instead of stream_unknown)', async () => {
    const p = await pair();
    const offered = nextStream(p.agent);
    p.proxy.openStream(GET, false).on('error', () => undefined);
    p.proxy.openStream(GET, false).on('error', () => undefined);
    await offered;
    await until(() => p.agent.streams.size === 2, 'streams 1 and 3 on the agent');
    // Stream 2 can never have been opened: the proxy only opens odd ids.
    p.proxyWs.send(encodeData(2, Buffer.from('x'), false));
    expect(await within(p.proxyClosed.then(() => p.agentErrors.map((e) => e.code)), 2000)).toEqual(['stream_unknown']);
  });
});

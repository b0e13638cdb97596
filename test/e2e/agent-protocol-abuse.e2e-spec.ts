import {
  encodeControl,
  encodeData,
  encodeRequestHeadFrame,
  encodeReset,
  encodeResponseHeadFrame,
  encodeWindowUpdate,
  ResetCode,
} from '../../src/protocol/index.js';
import type { ProtocolErrorCode } from '../../src/protocol/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { outcome } from '../helpers/outcome-client.js';
import type { Outcome } from '../helpers/outcome-client.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { proxyOpenStreams, proxySessions } from '../helpers/tunnels.js';

// An agent is a remote peer the proxy must not trust to speak the protocol. Whatever it sends,
// only its own connection may suffer: it is closed with a protocol error (1002) or as too big
// (1009), its routes go, its in-flight requests fail honestly, and every other agent keeps
// serving.

const WINDOW = 16 * 1024; // small, so one legal-sized DATA frame can overrun it
const OK_HEAD = { status: 200, reason: 'OK', headers: [['Content-Type', 'text/plain']] as Array<[string, string]> };

interface AbuseCase {
  name: string;
  /** Open a stream first (a public request routed to the raw agent) and pass its id. */
  withStream: boolean;
  abuse: (agent: RawAgent, streamId: number) => void;
  close: 1002 | 1009;
  /** The code of the proxy's `error` control message (none for 1009: `ws` closes by itself). */
  error?: ProtocolErrorCode;
  /** What the client of the in-flight request sees. */
  inFlight?: 'bad_gateway' | 'aborted';
}

const CASES: AbuseCase[] = [
  { name: 'bytes that are not a frame', withStream: false, abuse: (a) => a.send(Buffer.from('GET / HTTP/1.1\r\n\r\n')), close: 1002, error: 'frame_bad_version' },
  { name: 'a text message', withStream: false, abuse: (a) => a.send('{"type":"register"}'), close: 1002, error: 'text_frame' },
  { name: 'a frame shorter than its header', withStream: false, abuse: (a) => a.send(Buffer.from([1, 0, 0])), close: 1002, error: 'frame_too_short' },
  { name: 'a control message that is not JSON', withStream: false, abuse: (a) => a.send(Buffer.concat([encodeControl({}).subarray(0, 8), Buffer.from('{nope')])), close: 1002, error: 'control_bad_json' },
  { name: 'an unknown control message', withStream: false, abuse: (a) => a.send(encodeControl({ type: 'takeover', routes: '*' })), close: 1002, error: 'control_bad_message' },
  { name: 'a second hello', withStream: false, abuse: (a) => a.send(encodeControl({ type: 'hello', protocol: 1, key: 'k' })), close: 1002, error: 'control_bad_message' },
  { name: 'DATA for a stream never opened', withStream: false, abuse: (a) => a.send(encodeData(99, Buffer.from('x'), false)), close: 1002, error: 'stream_unknown' },
  { name: 'DATA on an even (agent-side) stream id', withStream: false, abuse: (a) => a.send(encodeData(2, Buffer.from('x'), true)), close: 1002, error: 'stream_unknown' },
  { name: 'a response head for a stream never opened', withStream: false, abuse: (a) => a.send(encodeResponseHeadFrame(41, OK_HEAD, true)), close: 1002, error: 'stream_unknown' },
  { name: 'a RESET for a stream never opened', withStream: false, abuse: (a) => a.send(encodeReset(41, ResetCode.Cancel, 'x')), close: 1002, error: 'stream_unknown' },
  { name: 'a request head (only the proxy opens streams)', withStream: false, abuse: (a) => a.send(encodeRequestHeadFrame(1, { method: 'GET', target: '/', headers: [] }, true)), close: 1002, error: 'stream_state' },
  { name: 'a WebSocket message over the 4 MiB limit', withStream: false, abuse: (a) => a.send(Buffer.alloc(5 * 1024 * 1024)), close: 1009 },
  { name: 'DATA before the response head', withStream: true, abuse: (a, id) => a.send(encodeData(id, Buffer.from('early'), false)), close: 1002, error: 'stream_state', inFlight: 'bad_gateway' },
  {
    name: 'a second response head',
    withStream: true,
    abuse: (a, id) => {
      a.send(encodeResponseHeadFrame(id, OK_HEAD, false));
      a.send(encodeData(id, Buffer.from('partial'), false));
      a.send(encodeResponseHeadFrame(id, OK_HEAD, false));
    },
    close: 1002,
    error: 'stream_state',
    inFlight: 'aborted',
  },
  {
    name: 'a DATA frame over maxFrameBytes',
    withStream: true,
    abuse: (a, id) => {
      a.send(encodeResponseHeadFrame(id, OK_HEAD, false));
      a.send(encodeData(id, Buffer.alloc(1024 * 1024), false));
    },
    close: 1002,
    error: 'frame_too_large',
    inFlight: 'aborted',
  },
  {
    name: 'more DATA than the window allows',
    withStream: true,
    abuse: (a, id) => {
      a.send(encodeResponseHeadFrame(id, OK_HEAD, false));
      a.send(encodeData(id, Buffer.alloc(WINDOW + 1), false));
    },
    close: 1002,
    error: 'flow_control',
    inFlight: 'aborted',
  },
  {
    name: 'a window update past 2^31-1',
    withStream: true,
    abuse: (a, id) => a.send(encodeWindowUpdate(id, 0x7fff_ffff)),
    close: 1002,
    error: 'flow_control',
    inFlight: 'bad_gateway',
  },
  {
    name: 'DATA after END_STREAM on a stream still open',
    withStream: true,
    abuse: (a, id) => {
      // The proxy's side of a POST stays open while its body is sent, so the stream is live.
      a.send(encodeResponseHeadFrame(id, OK_HEAD, true));
      a.send(encodeData(id, Buffer.from('after the end'), false));
    },
    close: 1002,
    error: 'stream_state',
  },
];

describe('an agent that breaks the protocol', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function setUp(): Promise<{ proxy: HarpServer; raw: RawAgent }> {
    // Without a grace, the broken agent's route goes with it at once (404 afterwards).
    const proxy = await h.proxy({ windowBytes: WINDOW, routeGraceMs: 0 });
    await h.agent(proxy, (_req, res) => res.end('good agent'), { routes: [{ path: '/good' }] });
    const raw = await RawAgent.connect(proxy.url, [{ host: '*', path: '/raw' }]);
    h.defer(() => raw.terminate());
    return { proxy, raw };
  }

  async function expectOthersUnharmed(proxy: HarpServer): Promise<void> {
    const good = await send(`${proxy.url}/good/after`);
    expect([good.status, good.body.toString()]).toEqual([200, 'good agent']);
    await eventually(() => proxySessions(proxy) === 1, 2000, 'the proxy to drop the broken agent');
    const gone = await send(`${proxy.url}/raw/after`);
    expect([gone.status, gone.headers['x-harp-error']]).toEqual([404, 'no_route']);
    const health = await send(`${proxy.url}/_harp/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok', agents: 1 });
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'no stream left open');
  }

  it.each(CASES)('$name: closed with $close, others keep serving', async (c) => {
    const { proxy, raw } = await setUp();
    let inFlight: Promise<Outcome> | undefined;
    let streamId = 0;
    if (c.withStream) {
      // A POST whose body is still being sent keeps the proxy's side of the stream open.
      const slowBody = c.name.startsWith('DATA after END_STREAM');
      // (Content-Length 10 and no body bytes: the upload never finishes.)
      inFlight = outcome(`${proxy.url}/raw/x`, {
        method: slowBody ? 'POST' : 'GET',
        headers: slowBody ? { 'Content-Length': '10' } : undefined,
        timeoutMs: 5000,
      });
      streamId = (await raw.nextRequest()).streamId;
    }

    c.abuse(raw, streamId);
    const closed = await raw.closed;

    expect(closed.code).toBe(c.close);
    if (c.error) expect(closed.errorCode).toBe(c.error);
    if (inFlight && c.inFlight) {
      const result = await inFlight;
      if (c.inFlight === 'bad_gateway') {
        expect([result.status, result.headers['x-harp-error']]).toEqual([502, 'agent_gone']);
      } else {
        // The head may or may not have left the proxy before the violation: 200 or nothing.
        expect([0, 200]).toContain(result.status);
        expect(result.complete).toBe(false);
        expect(result.error?.message).not.toBe('client timeout');
      }
    }
    await expectOthersUnharmed(proxy);
  });

  it.each([
    ['shorter', 100, 'only ten b'],
    ['longer', 5, 'more than five bytes'],
  ])('a body %s than its Content-Length fails only its own request', async (_kind, length, text) => {
    // Legal frames, a lying answer: the stream fails, the connection and the agent stay.
    const { proxy, raw } = await setUp();
    const lying = outcome(`${proxy.url}/raw/lie`, { timeoutMs: 5000 });
    const first = await raw.nextRequest();
    raw.send(encodeResponseHeadFrame(first.streamId, { status: 200, reason: 'OK', headers: [['Content-Length', String(length)]] }, false));
    raw.send(encodeData(first.streamId, Buffer.from(text), true));
    const result = await lying;
    expect(result.complete).toBe(false);
    expect(result.error?.message).not.toBe('client timeout');

    const honest = outcome(`${proxy.url}/raw/honest`, { timeoutMs: 5000 });
    const second = await raw.nextRequest();
    raw.send(encodeResponseHeadFrame(second.streamId, { status: 200, reason: 'OK', headers: [['Content-Length', '2']] }, false));
    raw.send(encodeData(second.streamId, Buffer.from('ok'), true));
    expect(await honest).toMatchObject({ status: 200, complete: true, body: Buffer.from('ok') });
    expect(proxySessions(proxy)).toBe(2);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'no stream left open');
  });

  it('bytes past the declared length after a complete body are dropped, not relayed', async () => {
    // The proxy ends the response as soon as the declared length went out; whatever the agent
    // sends after that must not reach the client (on keep-alive it would read as the next answer).
    const { proxy, raw } = await setUp();
    const answer = outcome(`${proxy.url}/raw/excess`, { timeoutMs: 5000 });
    const { streamId } = await raw.nextRequest();
    raw.send(encodeResponseHeadFrame(streamId, { status: 200, reason: 'OK', headers: [['Content-Length', '5']] }, false));
    raw.send(encodeData(streamId, Buffer.from('hello'), false));
    expect(await answer).toMatchObject({ status: 200, complete: true, body: Buffer.from('hello') });
    raw.send(encodeData(streamId, Buffer.from(' and more'), true));
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the stream to be reset');
    expect(proxySessions(proxy)).toBe(2); // a lying body fails its stream, not the agent
  });

  it('regression: acts on nothing the agent sends after its violation', async () => {
    // The tunnel kept dispatching frames until the close handshake finished, so an answer
    // sent right behind a violation was still relayed to the public client.
    const { proxy, raw } = await setUp();
    const inFlight = outcome(`${proxy.url}/raw/x`, { timeoutMs: 5000 });
    const { streamId } = await raw.nextRequest();

    // One burst: garbage, then a perfectly valid answer that must not be relayed.
    raw.send(Buffer.from('not a frame'));
    raw.send(encodeResponseHeadFrame(streamId, { status: 200, reason: 'OK', headers: [['Content-Length', '6']] }, false));
    raw.send(encodeData(streamId, Buffer.from('stolen'), true));
    const closed = await raw.closed;

    expect([closed.code, closed.errorCode]).toEqual([1002, 'frame_bad_version']);
    const result = await inFlight;
    expect([result.status, result.headers['x-harp-error']]).toEqual([502, 'agent_gone']);
    await expectOthersUnharmed(proxy);
  });

  it('regression: fails in-flight requests at once, even if the agent never completes the close', async () => {
    // In-flight streams ended only when the socket closed: with an agent that ignores the close
    // frame, 2 s later (the terminate timer), and new requests were routed to it meanwhile.
    const { proxy, raw } = await setUp();
    const inFlight = outcome(`${proxy.url}/raw/x`, { timeoutMs: 5000 });
    await raw.nextRequest();
    // Stop reading: the proxy's close frame is never answered.
    (raw.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    raw.send(Buffer.from('not a frame'));
    const result = await inFlight;

    expect([result.status, result.headers['x-harp-error']]).toEqual([502, 'agent_gone']);
    expect(result.ms).toBeLessThan(1000);
    // And no new request is routed to it meanwhile.
    const next = await outcome(`${proxy.url}/raw/next`, { timeoutMs: 3000 });
    expect(next.status).toBe(404);
    expect(next.ms).toBeLessThan(500);
  });
});

import type { HarpServer } from '../../src/server/harp-server.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { rawExchange, requestText } from '../helpers/raw-http.js';
import type { RawResult } from '../helpers/raw-http.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import type { RecordingUpstream } from '../helpers/recording-upstream.js';

// Every case sends bytes a real client library would refuse to produce, over a raw socket, to a
// proxy with an agent and a recording upstream behind it. Each must end in a 4xx (or a closed
// connection), never in a request the backend reads differently than the proxy did, and the
// proxy must serve a normal request afterwards.

const MAX_BODY = 1024;
const HEADERS_TIMEOUT_MS = 500;

describe('hostile HTTP from clients', () => {
  const h = new Harness();
  let proxy: HarpServer;
  let upstream: RecordingUpstream;

  beforeEach(async () => {
    proxy = await h.proxy({ maxBodyBytes: MAX_BODY, headersTimeoutMs: HEADERS_TIMEOUT_MS });
    upstream = await recordingUpstream(h, (req, res, record) => {
      if (req.url === '/slow') {
        res.writeHead(200, { 'Content-Length': '10' });
        res.write('part1');
        setTimeout(() => res.end('part2'), 400);
        return;
      }
      res.end(`ok ${record.method} ${record.url} ${record.body.length}`);
    });
    await h.agent(proxy, upstream.url);
  });
  afterEach(() => h.closeAll());

  const raw = (parts: Parameters<typeof rawExchange>[1], options?: Parameters<typeof rawExchange>[2]) =>
    rawExchange(proxy.port, parts, options);

  /** The proxy still serves a plain request, and the upstream saw it as sent. */
  async function expectStillServing(): Promise<void> {
    const before = upstream.received.length;
    const res = await send(`${proxy.url}/still-alive?n=1`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok GET /still-alive?n=1 0');
    expect(upstream.received.length).toBe(before + 1);
  }

  /** Refused with `status` (and the connection closed) or, when `status` is omitted, any 4xx or a bare close. */
  function expectRefused(result: RawResult, status?: number): void {
    const first = result.responses[0];
    if (status !== undefined) {
      expect(first?.status).toBe(status);
    } else if (first !== undefined) {
      expect(first.status).toBeGreaterThanOrEqual(400);
      expect(first.status).toBeLessThan(500);
    }
    expect(result.closed).toBe(true);
  }

  /** No request the backend received is complete: it saw nothing, or only an aborted request. */
  async function expectNoCompleteRequest(): Promise<void> {
    await sleep(150); // an aborted stream takes a few ticks to reach the upstream
    await upstream.settled(upstream.received.length); // whatever arrived has ended one way or the other
    expect(upstream.received.filter((r) => r.complete)).toEqual([]);
  }

  describe('framing the parser refuses before any request exists', () => {
    const post = (fields: string[], body = '') => requestText('POST /target HTTP/1.1', ['Host: app.test', ...fields], body);

    it.each([
      ['Content-Length and Transfer-Encoding (CL.TE)', post(['Content-Length: 6', 'Transfer-Encoding: chunked'], '0\r\n\r\nX')],
      ['Transfer-Encoding and Content-Length (TE.CL)', post(['Transfer-Encoding: chunked', 'Content-Length: 3'], '8\r\nSMUGGLED\r\n0\r\n\r\n')],
      ['two different Content-Length values', post(['Content-Length: 2', 'Content-Length: 3'], 'abc')],
      ['two equal Content-Length fields', post(['Content-Length: 3', 'Content-Length: 3'], 'abc')],
      ['a Content-Length list', post(['Content-Length: 3, 3'], 'abc')],
      ['a signed Content-Length', post(['Content-Length: +3'], 'abc')],
      ['an overflowing Content-Length', post(['Content-Length: 99999999999999999999999'], 'abc')],
      ['Transfer-Encoding: chunked, identity', post(['Transfer-Encoding: chunked, identity'], '0\r\n\r\n')],
      ['Transfer-Encoding twice', post(['Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], '0\r\n\r\n')],
      ['Transfer-Encoding: identity with Content-Length', post(['Transfer-Encoding: identity', 'Content-Length: 3'], 'abc')],
      ['NUL in a header name', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A\0B: 1'])],
      ['NUL in a header value', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A: 1\0 2'])],
      ['a bare CR in a header value', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A: 1\r2'])],
      ['a bare CR in a header name', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A\rB: 1'])],
      ['a bare LF in a header value', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A: 1\nX-Injected: 2'])],
      ['bare LF line ends', 'GET / HTTP/1.1\nHost: app.test\nX-A: 1\n\n'],
      ['obs-fold (a continuation line)', requestText('GET / HTTP/1.1', ['Host: app.test', 'X-A: 1', ' folded'])],
      ['a space before the colon', requestText('GET / HTTP/1.1', ['Host: app.test', 'Transfer-Encoding : chunked'])],
      ['a lowercase method', requestText('get / HTTP/1.1', ['Host: app.test'])],
      ['no Host in HTTP/1.1', requestText('GET / HTTP/1.1', ['X-A: 1'])],
    ])('%s → 400 and closed, nothing reaches the backend', async (_what, payload) => {
      const result = await raw([payload]);
      expectRefused(result, 400);
      expect(result.responses[0]?.headers['x-harp-error']).toBe('bad_request');
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });
  });

  describe('request heads the parser accepts but the proxy must not forward', () => {
    it.each([
      ['two Host fields', 400, 'bad_request', requestText('GET / HTTP/1.1', ['Host: a.test', 'Host: b.test'])],
      ['an invalid Host', 400, 'bad_request', requestText('GET / HTTP/1.1', ['Host: a b.test'])],
      ['a Host with a path', 400, 'bad_request', requestText('GET / HTTP/1.1', ['Host: a.test/x'])],
      [
        'Transfer-Encoding: xchunked',
        501,
        'unsupported_transfer_coding',
        requestText('POST / HTTP/1.1', ['Host: a.test', 'Transfer-Encoding: xchunked'], '0\r\n\r\n'),
      ],
      [
        // Node removes only the chunked framing; the backend would read gzip bytes as plain.
        'Transfer-Encoding: gzip, chunked',
        501,
        'unsupported_transfer_coding',
        requestText('POST / HTTP/1.1', ['Host: a.test', 'Transfer-Encoding: gzip, chunked'], '2\r\nhi\r\n0\r\n\r\n'),
      ],
      [
        'Transfer-Encoding in HTTP/1.0',
        400,
        'bad_request',
        requestText('POST / HTTP/1.0', ['Host: a.test', 'Transfer-Encoding: chunked'], '2\r\nhi\r\n0\r\n\r\n'),
      ],
      ['HTTP/2.0 in an HTTP/1 request line', 505, 'version_not_supported', requestText('GET / HTTP/2.0', ['Host: a.test'])],
      ['HTTP/0.9', 505, 'version_not_supported', 'GET /\r\n\r\n'],
      ['the asterisk form', 400, 'bad_request', requestText('OPTIONS * HTTP/1.1', ['Host: a.test'])],
      ['the authority form', 400, 'bad_request', requestText('GET a.test:80 HTTP/1.1', ['Host: a.test'])],
    ])('%s → %i %s, nothing reaches the backend', async (_what, status, code, payload) => {
      const result = await raw([payload]);
      expectRefused(result, status);
      expect(result.responses[0]?.headers['x-harp-error']).toBe(code);
      await expectNoCompleteRequest();
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });
  });

  describe('chunked bodies', () => {
    const chunked = (body: string) =>
      requestText('POST /upload HTTP/1.1', ['Host: app.test', 'Transfer-Encoding: chunked'], body);

    it.each([
      ['a non-hex chunk size', '5\r\nhello\r\nzz\r\nhi\r\n0\r\n\r\n'],
      ['a negative chunk size', '5\r\nhello\r\n-2\r\nhi\r\n0\r\n\r\n'],
      ['an overflowing chunk size', '5\r\nhello\r\nffffffffffffffffff\r\nhi\r\n0\r\n\r\n'],
      ['a chunk longer than its size', '2\r\nhello\r\n0\r\n\r\n'],
      ['a chunk size ended by a bare LF', '2\nhi\r\n0\r\n\r\n'],
      ['a NUL in a chunk extension', '2;a\0=b\r\nhi\r\n0\r\n\r\n'],
      ['a bare LF in a chunk extension', '2;a\nb\r\nhi\r\n0\r\n\r\n'],
      ['20 KiB of chunk extensions', `2;${'x='.padEnd(20 * 1024, 'y')}\r\nhi\r\n0\r\n\r\n`],
    ])('%s → 4xx or closed; the backend never sees a complete request', async (_what, body) => {
      const result = await raw([chunked(body)]);
      expectRefused(result);
      await expectNoCompleteRequest();
      expect(upstream.received.every((r) => r.aborted)).toBe(true);
      await expectStillServing();
    });

    it('strips legitimate chunk extensions and trailers, delivering the body exactly', async () => {
      const body = '5;name=value;quoted="a b"\r\nhello\r\n6;x\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n';
      const result = await raw([chunked(body)], { responses: 1 });
      expect(result.responses[0]?.status).toBe(200);
      const [received] = await upstream.settled(1);
      expect(received!.body.toString()).toBe('hello world');
      expect(received!.complete).toBe(true);
      expect(received!.headers['x-trailer']).toBeUndefined();
      await expectStillServing();
    });
  });

  describe('request smuggling', () => {
    const first = requestText('POST /first HTTP/1.1', ['Host: app.test', 'Content-Length: 5'], 'hello');

    it('CL.TE after a valid request: the backend sees exactly the first request, with its body', async () => {
      const smuggle = requestText(
        'POST /second HTTP/1.1',
        ['Host: app.test', 'Content-Length: 35', 'Transfer-Encoding: chunked'],
        '0\r\n\r\nGET /admin HTTP/1.1\r\nHost: app.test\r\n\r\n',
      );
      const result = await raw([first + smuggle]);
      expect(result.closed).toBe(true);
      const statuses = result.responses.map((r) => r.status);
      // The first answer arrives whole (or not at all); the smuggled part is never answered as a request.
      expect([[200], [200, 400], [400], []]).toContainEqual(statuses);
      if (statuses[0] === 200) expect(result.responses[0]!.body.toString()).toBe('ok POST /first 5');
      await sleep(150);
      expect(upstream.received.map((r) => [r.method, r.url, r.body.toString()])).toEqual([['POST', '/first', 'hello']]);
      await expectStillServing();
    });

    it('TE.CL after a valid request: the backend sees exactly the first request, with its body', async () => {
      const smuggle = requestText(
        'POST /second HTTP/1.1',
        ['Host: app.test', 'Transfer-Encoding: chunked', 'Content-Length: 4'],
        '5c\r\nGPOST /admin HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n',
      );
      const result = await raw([first + smuggle]);
      expect(result.closed).toBe(true);
      await sleep(150);
      expect(upstream.received.map((r) => [r.method, r.url, r.body.toString()])).toEqual([['POST', '/first', 'hello']]);
      await expectStillServing();
    });

    it('a request hidden in a body stays body: one request, byte-exact', async () => {
      const hidden = 'GET /admin HTTP/1.1\r\nHost: app.test\r\n\r\n';
      const payload = requestText('POST /carrier HTTP/1.1', ['Host: app.test', `Content-Length: ${hidden.length}`], hidden);
      const result = await raw([payload], { responses: 1 });
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      await sleep(150);
      expect(upstream.received.map((r) => [r.method, r.url, r.body.toString()])).toEqual([['POST', '/carrier', hidden]]);
      await expectStillServing();
    });

    // Regression: the client-error handler wrote its raw 400 into the socket while an earlier
    // pipelined response was still streaming, so the bytes "HTTP/1.1 400 …" completed the
    // body of a 200 that the client then took for whole.
    it('a malformed pipelined request never becomes bytes inside an earlier response', async () => {
      const slow = requestText('GET /slow HTTP/1.1', ['Host: app.test']);
      const broken = requestText('GET /next HTTP/1.1', ['Host: app.test', 'X-A: 1\0']);
      const result = await raw([slow, { pauseMs: 150 }, broken]);
      expect(result.closed).toBe(true);
      const answer = result.responses[0]!;
      expect(answer.status).toBe(200);
      if (answer.complete) expect(answer.body.toString()).toBe('part1part2');
      expect(result.raw.toString('latin1')).not.toMatch(/part1HTTP/);
      await expectStillServing();
    });
  });

  describe('header limits', () => {
    it('a header block over maxHeaderBytes → 431 and closed', async () => {
      const result = await raw([requestText('GET / HTTP/1.1', ['Host: app.test', `X-Big: ${'a'.repeat(proxy.config.maxHeaderBytes + 100)}`])]);
      expectRefused(result, 431);
      expect(result.responses[0]?.headers['x-harp-error']).toBe('headers_too_large');
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    it('many small fields → 431, nothing reaches the backend', async () => {
      const fields = Array.from({ length: 300 }, (_, i) => `X-F${i}: ${i}`);
      const result = await raw([requestText('GET / HTTP/1.1', ['Host: app.test', ...fields])]);
      expectRefused(result, 431);
      expect(result.responses[0]?.headers['x-harp-error']).toBe('headers_too_large');
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    // Regression: Node keeps only the first 2000 fields by default and drops the rest without a
    // word, framing fields included: the proxy saw no Transfer-Encoding and forwarded a request
    // without the body the client sent.
    it('a Transfer-Encoding past 2000 fields is not silently lost', async () => {
      const fillers = Array.from({ length: 2100 }, () => 'a:');
      const payload = requestText('POST /many HTTP/1.1', ['Host: app.test', ...fillers, 'Transfer-Encoding: chunked'], '5\r\nhello\r\n0\r\n\r\n');
      const result = await raw([payload]);
      expectRefused(result, 431);
      await expectNoCompleteRequest();
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    // Regression: Node sweeps for expired header timers every 30 s by default, so a configured
    // headersTimeoutMs of 500 let a slowloris client hold its connection for up to half a minute.
    it('slowloris: headers trickled slower than headersTimeoutMs → 408 or closed, well within 3 s', async () => {
      const trickle = Array.from({ length: 30 }, (_, i) => [`X-Slow-${i}: ${i}\r\n`, { pauseMs: 100 }]).flat();
      const result = await raw(['GET /slow-headers HTTP/1.1\r\nHost: app.test\r\n', ...trickle], { waitMs: 3500 });
      expect(result.closed).toBe(true);
      expect(result.ms).toBeLessThan(2500);
      if (result.responses.length > 0) expect(result.responses[0]!.status).toBe(408);
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });
  });

  describe('bodies over maxBodyBytes', () => {
    it('Content-Length over the limit → 413 before a byte of body is sent, closed', async () => {
      const head = requestText('POST /big HTTP/1.1', ['Host: app.test', `Content-Length: ${MAX_BODY + 1}`]);
      const result = await raw([head], { waitMs: 2000 });
      expectRefused(result, 413);
      expect(result.responses[0]?.headers['x-harp-error']).toBe('body_too_large');
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    it('Content-Length at the limit passes', async () => {
      const body = 'b'.repeat(MAX_BODY);
      const result = await raw([requestText('POST /max HTTP/1.1', ['Host: app.test', `Content-Length: ${MAX_BODY}`], body)], {
        responses: 1,
      });
      expect(result.responses[0]?.status).toBe(200);
      const [received] = await upstream.settled(1);
      expect(received!.body.length).toBe(MAX_BODY);
    });

    it('a chunked body crossing the limit → 413 or an abort; the backend never sees it complete', async () => {
      const chunk = `400\r\n${'c'.repeat(0x400)}\r\n`;
      const head = requestText('POST /big-chunked HTTP/1.1', ['Host: app.test', 'Transfer-Encoding: chunked']);
      const result = await raw([head, chunk, { pauseMs: 50 }, chunk, '0\r\n\r\n'], { responses: 1 });
      if (result.responses.length > 0) expect(result.responses[0]!.status).toBe(413);
      else expect(result.closed).toBe(true);
      await expectNoCompleteRequest();
      expect(upstream.received.every((r) => r.body.length <= MAX_BODY)).toBe(true);
      await expectStillServing();
    });
    // Regression: after a 413 mid-body the connection stayed open and Node read and discarded
    // whatever the client kept sending, so a client could hold it busy for ever.
    it('a chunked body crossing the limit closes the connection after the 413', async () => {
      const chunk = `400\r\n${'c'.repeat(0x400)}\r\n`;
      const head = requestText('POST /big-unending HTTP/1.1', ['Host: app.test', 'Transfer-Encoding: chunked']);
      const result = await raw([head, chunk, chunk, { pauseMs: 300 }, chunk], { waitMs: 2000 });
      expect(result.responses[0]?.status).toBe(413);
      expect(result.responses[0]?.headers.connection).toBe('close');
      expect(result.closed).toBe(true);
      await expectStillServing();
    });
  });

  describe('Expect: 100-continue', () => {
    // The agent has the `continue` feature: the 100 is the backend's (Node's, answering by
    // itself); an agent without it is in expect-continue.e2e-spec.ts.
    it('is passed on to the backend, whose 100 comes back; the body then reaches it whole', async () => {
      const head = requestText('POST /expect HTTP/1.1', ['Host: app.test', 'Content-Length: 5', 'Expect: 100-continue']);
      const result = await raw([head, { pauseMs: 200 }, 'hello'], { responses: 2 });
      expect(result.responses.map((r) => r.status)).toEqual([100, 200]);
      expect(result.responses[1]!.body.toString()).toBe('ok POST /expect 5');
      const [received] = await upstream.settled(1);
      expect(received!.headers.expect).toBe('100-continue');
      expect(received!.body.toString()).toBe('hello');
      await expectStillServing();
    });

    // Regression: Node sent `100 Continue` itself before the proxy saw the request, inviting
    // an upload it was about to refuse.
    it('an upload over the limit gets 413 without a 100 first, and the connection closes', async () => {
      const head = requestText('POST /expect-big HTTP/1.1', ['Host: app.test', `Content-Length: ${MAX_BODY * 4}`, 'Expect: 100-continue']);
      const result = await raw([head], { waitMs: 2000 });
      expect(result.responses.map((r) => r.status)).toEqual([413]);
      expect(result.closed).toBe(true);
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    it('a request for a reserved path is answered by the proxy and never reaches a backend', async () => {
      const head = requestText('POST /_harp/nothing HTTP/1.1', ['Host: app.test', 'Content-Length: 5', 'Expect: 100-continue']);
      const result = await raw([head, { pauseMs: 100 }, 'hello'], { waitMs: 1000, responses: 2 });
      expect(result.responses.map((r) => r.status)).toEqual([100, 404]);
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    it('a request without a route gets 404 without a 100, and the connection closes', async () => {
      const head = requestText('POST /x HTTP/1.1', ['Host: app.test', 'Content-Length: 5', 'Expect: 100-continue']);
      const other = await h.proxy();
      const result = await rawExchange(other.port, [head], { waitMs: 2000 });
      expect(result.responses.map((r) => [r.status, r.headers['x-harp-error']])).toEqual([[404, 'no_route']]);
      expect(result.closed).toBe(true);
    });
  });

  describe('odd but legal requests', () => {
    it('HTTP/1.0 is served, and the connection closes after the answer', async () => {
      const result = await raw([requestText('GET /ten HTTP/1.0', ['Host: app.test'])]);
      expect(result.closed).toBe(true);
      expect(result.responses.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'ok GET /ten 0']]);
      expect(upstream.received.map((r) => r.url)).toEqual(['/ten']);
      await expectStillServing();
    });

    it('HTTP/1.0 without Host is routed like a request with an empty Host', async () => {
      const result = await raw(['GET /ten-nohost HTTP/1.0\r\n\r\n']);
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      expect(upstream.received.map((r) => r.url)).toEqual(['/ten-nohost']);
    });

    // Regression: the proxy routed on the absolute-form authority but forwarded the client's
    // Host field, so the backend of one host read the request as meant for another.
    it('an absolute-form target is routed on its authority, and the backend reads that same host', async () => {
      const other = await recordingUpstream(h);
      await h.agent(proxy, other.url, { routes: [{ host: 'abs.example' }] });
      const payload = requestText('GET http://ABS.example/x/y?z=1 HTTP/1.1', ['Host: app.test', 'Connection: close']);
      const result = await raw([payload]);
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      expect(upstream.received).toEqual([]);
      const [received] = await other.settled(1);
      expect(received!.url).toBe('/x/y?z=1');
      expect(received!.headers.host).toBe('abs.example');
      expect(received!.rawHeaders.filter((_, i) => i % 2 === 0 && received!.rawHeaders[i]!.toLowerCase() === 'host')).toHaveLength(1);
      expect(received!.headers['x-forwarded-host']).toBe('abs.example');
      await expectStillServing();
    });

    // RFC 9110 §4.2.4: userinfo in an http(s) URI from an untrusted source is an error. Routed
    // on what follows the `@`, `http://app.test@abs.example/` would reach another host's backend
    // while a log or a filter reading the first name saw `app.test`.
    it.each(['http://app.test@abs.example/x', 'http://user:secret@abs.example/x', 'http://@abs.example/x', 'http://abs.example@/x'])(
      'an absolute-form target with userinfo (%s) is 400 and reaches no backend',
      async (target) => {
        const other = await recordingUpstream(h);
        await h.agent(proxy, other.url, { routes: [{ host: 'abs.example' }] });
        const result = await raw([requestText(`GET ${target} HTTP/1.1`, ['Host: app.test', 'Connection: close'])]);
        expect(result.responses.map((r) => r.status)).toEqual([400]);
        expect(result.responses[0]!.headers['x-harp-error']).toBe('bad_request');
        expect(upstream.received).toEqual([]);
        expect(other.received).toEqual([]);
        await expectStillServing();
      },
    );

    it.each(['/_harp', '/_harp/', '/_harp?x=1', '/_harp#fragment'])(
      '%s answers with the dashboard page and never reaches a backend',
      async (target) => {
        const result = await raw([requestText(`GET ${target} HTTP/1.1`, ['Host: app.test', 'Connection: close'])]);
        expect(result.responses.map((r) => r.status)).toEqual([200]);
        expect(result.responses[0]!.headers['content-type']).toMatch(/^text\/html/);
        expect(upstream.received).toEqual([]);
        await expectStillServing();
      },
    );

    it.each([
      '/_harp/anything-unknown',
      '/_harp/connect/../x',
      'http://app.test/_harp/anything-unknown',
      'http://app.test/x/../_harp/healthz/../nothing',
    ])('%s answers 404 from the proxy and never reaches a backend', async (target) => {
      const result = await raw([requestText(`GET ${target} HTTP/1.1`, ['Host: app.test', 'Connection: close'])]);
      expect(result.responses.map((r) => r.status)).toEqual([404]);
      expect(upstream.received).toEqual([]);
      await expectStillServing();
    });

    it('a client that resets mid-body leaves no complete request behind', async () => {
      const head = requestText('POST /reset HTTP/1.1', ['Host: app.test', 'Content-Length: 100']);
      await raw([head, 'only part of it'], { waitMs: 200 });
      await expectNoCompleteRequest();
      await expectStillServing();
    });
  });
});

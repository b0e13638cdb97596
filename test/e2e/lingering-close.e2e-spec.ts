import { connect } from 'node:net';
import { eventually } from '../helpers/eventually.js';
import type { RequestListener, Server } from 'node:http';
import type { Socket } from 'node:net';
import { lingerOnClose } from '../../src/proxy/lingering-close.js';
import type { LingerOptions } from '../../src/proxy/lingering-close.js';
import { Harness } from '../helpers/harness.js';
import { parseResponses, rawExchange, requestText } from '../helpers/raw-http.js';
import type { ParsedResponse } from '../helpers/raw-http.js';

// Regression: an answer sent while the client was still uploading (a 413, a backend's early
// answer) was followed at once by a close of the connection. With the client's unread bytes in
// the proxy's receive buffer, that close is a TCP reset: the client's writes fail (EPIPE), and
// whatever of the answer the kernel had not transmitted yet is thrown away. Without the
// lingering close, 693 of 700 over-limit uploads here saw the reset, and 199 of 200 clients of
// an early 128 KiB answer got it truncated.

const KIB = 1024;
const MIB = 1024 * KIB;
const MAX_BODY = 1024;
const UPLOAD = 4 * MIB;
const WRITE = Buffer.alloc(64 * KIB, 0x61);
/** The proxy's lingering limits: its configuration defaults. */
const IDLE_MS = 2000;
const MAX_MS = 10_000;
/** Limits for the tests on a plain server, each overriding what it is about. */
const LIMITS: LingerOptions = { idleMs: IDLE_MS, maxMs: MAX_MS, maxBytes: 64 * MIB };

/** What one uploading client saw. */
interface Upload {
  readonly response?: ParsedResponse;
  /** How many responses arrived (a request after the close must get none). */
  readonly responses: number;
  /** The socket's error, if any: EPIPE or ECONNRESET means the server reset the connection. */
  readonly error?: string;
  /** True if the server closed the connection before the test stopped waiting. */
  readonly closed: boolean;
  /** Milliseconds from the last byte the client sent to the close. */
  readonly quietMs: number;
}

interface UploadOptions {
  /** Written after the head, back to back, without waiting for drain. */
  readonly parts: readonly Buffer[];
  /** Keep writing 64 KiB whenever the socket drains, for ever. */
  readonly endless?: boolean;
  /** Written once the first response is complete. */
  readonly afterAnswer?: readonly Buffer[];
  /** Keep our side open after the server's FIN. @default false: Node ends it once the writes are out */
  readonly allowHalfOpen?: boolean;
  /** @default MAX_MS + 3000 */
  readonly waitMs?: number;
}

/** A raw client that sends `head` and then a body, reading all the while. */
function upload(port: number, head: string, options: UploadOptions): Promise<Upload> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let lastByteAt = Date.now();
    let closed = false;
    let answered = false;
    const sent = (err?: Error | null): void => {
      if (!err) lastByteAt = Date.now();
    };
    const finish = (): void => {
      clearTimeout(deadline);
      socket.destroy();
      const responses = parseResponses(Buffer.concat(chunks));
      resolve({ response: responses[0], responses: responses.length, error, closed, quietMs: Date.now() - lastByteAt });
    };
    const deadline = setTimeout(finish, options.waitMs ?? MAX_MS + 3000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (answered || !options.afterAnswer || !parseResponses(Buffer.concat(chunks))[0]?.complete) return;
      answered = true;
      for (const part of options.afterAnswer) socket.write(part, sent);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => {
      closed = true;
      finish();
    });
    const pump = (): void => {
      while (!socket.destroyed && socket.writable && socket.write(WRITE, sent));
    };
    socket.on('connect', () => {
      socket.write(head);
      for (const part of options.parts) socket.write(part, sent);
      if (!options.endless) return;
      socket.on('drain', pump);
      pump();
    });
  });
}

/** `bytes` of body in 64 KiB writes, or in 64 KiB chunks of chunked framing. */
function body(bytes: number, chunked = false): Buffer[] {
  const parts = Array.from({ length: Math.ceil(bytes / WRITE.length) }, () => WRITE);
  if (!chunked) return parts;
  const frame = Buffer.from(`${WRITE.length.toString(16)}\r\n`);
  return [...parts.flatMap((part) => [frame, part, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')];
}

const post = (path: string, framing: string): string => requestText(`POST ${path} HTTP/1.1`, ['Host: app.test', framing]);

/** Runs `attempts` uploads, `parallel` at a time. */
async function uploads(attempts: number, parallel: number, one: () => Promise<Upload>): Promise<Upload[]> {
  const results: Upload[] = [];
  for (let i = 0; i < attempts; i += parallel) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(parallel, attempts - i) }, one))));
  }
  return results;
}

/** Every upload that lost its answer, saw a reset, or was not closed in time, described. */
function failures(results: Upload[], expected: (r: ParsedResponse) => boolean): string[] {
  return results
    .filter((r) => !(r.response?.complete && expected(r.response)) || r.error || !r.closed || r.quietMs >= MAX_MS)
    .map((r) => `status ${r.response?.status ?? '-'} complete ${r.response?.complete ?? false} error ${r.error ?? '-'} closed ${r.closed}`);
}

const connections = (server: Server): Promise<number> =>
  new Promise((resolve, reject) => server.getConnections((err, count) => (err ? reject(err) : resolve(count))));

const is413 = (r: ParsedResponse): boolean =>
  r.status === 413 && r.headers['x-harp-error'] === 'body_too_large' && r.body.toString().startsWith('413 ');

describe('lingering close of connections answered mid-upload', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  describe('through the proxy', () => {
    async function proxyTo(handler: RequestListener, maxBodyBytes?: number): Promise<number> {
      const proxy = await h.proxy(maxBodyBytes === undefined ? {} : { maxBodyBytes });
      const up = await h.upstream(handler);
      await h.agent(proxy, up.url);
      return proxy.port;
    }
    const unreachable: RequestListener = (_req, res) => res.end('never reached');

    it('a 413 for a Content-Length over the limit reaches a client still sending, every time', async () => {
      const port = await proxyTo(unreachable, MAX_BODY);

      const results = await uploads(50, 10, () =>
        upload(port, post('/big', `Content-Length: ${UPLOAD}`), { parts: body(UPLOAD) }),
      );

      expect(failures(results, is413)).toEqual([]);
    });

    it('a 413 for a chunked body crossing the limit reaches a client still sending, every time', async () => {
      const port = await proxyTo(unreachable, MAX_BODY);

      const results = await uploads(20, 10, () =>
        upload(port, post('/big-chunked', 'Transfer-Encoding: chunked'), { parts: body(UPLOAD, true) }),
      );

      expect(failures(results, is413)).toEqual([]);
    });

    it('a backend answering before it reads the upload reaches the client intact', async () => {
      const answer = Buffer.alloc(128 * KIB, 0x62);
      const port = await proxyTo((_req, res) => {
        res.writeHead(200, { 'Content-Length': answer.length });
        res.end(answer); // without reading a byte of the body
      });

      const results = await uploads(20, 10, () =>
        upload(port, post('/early', `Content-Length: ${UPLOAD}`), { parts: body(UPLOAD) }),
      );

      expect(failures(results, (r) => r.status === 200 && r.body.equals(answer))).toEqual([]);
    });

    // Its FIN came with the answer; that the proxy then let go of the socket is seen on its side.
    it('a client that stops sending but keeps its socket open is closed after lingeringTimeoutMs', async () => {
      const idleMs = 500;
      const proxy = await h.proxy({ maxBodyBytes: MAX_BODY, lingeringTimeoutMs: idleMs });
      const up = await h.upstream(unreachable);
      await h.agent(proxy, up.url);
      const server = proxy.app.getHttpServer() as Server;
      const before = await connections(server); // the agent's

      const socket = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
      h.defer(() => socket.destroy());
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.write(post('/stalled', `Content-Length: ${MIB}`));
      const lastByteAt = await new Promise<number>((resolve) => socket.write(Buffer.alloc(8 * KIB), () => resolve(Date.now())));
      await eventually(async () => (await connections(server)) === before, idleMs + 3000);
      const quietMs = Date.now() - lastByteAt;

      const [response] = parseResponses(Buffer.concat(received));
      expect([response?.status, response?.complete]).toEqual([413, true]);
      expect(quietMs).toBeGreaterThanOrEqual(idleMs - 100);
      expect(quietMs).toBeLessThan(idleMs + 1000);
    });

    it('does not hold up the proxy’s shutdown while a connection lingers', async () => {
      const proxy = await h.proxy({ maxBodyBytes: MAX_BODY });
      const socket = connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
      h.defer(() => socket.destroy());
      const received: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.write(post('/stalled', `Content-Length: ${MIB}`));
      socket.write(Buffer.alloc(8 * KIB));
      await eventually(async () => parseResponses(Buffer.concat(received))[0]?.complete === true, 3000);

      const started = Date.now();
      await proxy.close();
      expect(Date.now() - started).toBeLessThan(IDLE_MS / 2);
    });

    it('a request that arrived whole keeps its keep-alive connection', async () => {
      const port = await proxyTo((req, res) => {
        req.resume();
        req.on('end', () => res.end(`ok ${req.url}`));
      }, MAX_BODY);

      const first = requestText('POST /first HTTP/1.1', ['Host: app.test', 'Content-Length: 5'], 'hello');
      const second = requestText('GET /second HTTP/1.1', ['Host: app.test']);
      const result = await rawExchange(port, [first, { pauseMs: 200 }, second], { responses: 2, waitMs: 3000 });

      expect(result.responses.map((r) => [r.status, r.body.toString()])).toEqual([
        [200, 'ok /first'],
        [200, 'ok /second'],
      ]);
      expect(result.responses[0]?.headers.connection).toBe('keep-alive');
      expect(result.closed).toBe(false);
    });

    // An echo, or an upload answered while it streams: the answer starts before the body has
    // arrived, but the backend reads all of it, so the connection is as good as any other.
    it('an answer that starts mid-upload keeps the connection once the body has arrived whole', async () => {
      const port = await proxyTo((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        req.pipe(res);
      }, MAX_BODY);

      const head = requestText('POST /echo HTTP/1.1', ['Host: app.test', 'Content-Length: 11']);
      const second = requestText('GET /second HTTP/1.1', ['Host: app.test']);
      const result = await rawExchange(port, [head, 'hello', { pauseMs: 300 }, ' world', second], { responses: 2, waitMs: 3000 });

      expect(result.responses.map((r) => [r.status, r.body.toString()])).toEqual([
        [200, 'hello world'],
        [200, ''],
      ]);
      expect(result.responses[0]?.headers.connection).toBe('keep-alive');
      expect(result.closed).toBe(false);
    });
  });

  describe('lingerOnClose on a plain node:http server', () => {
    /** A server whose handler answers at once, closing the connection and lingering with `limits`. */
    async function earlyAnswering(overrides: Partial<LingerOptions>, seen: string[] = []): Promise<number> {
      const limits = { ...LIMITS, ...overrides };
      const up = await h.upstream((req, res) => {
        seen.push(req.url ?? '');
        res.shouldKeepAlive = false;
        lingerOnClose(req, res, limits);
        res.end('early');
      });
      return Number(new URL(up.url).port);
    }

    it('closes after maxMs however the client keeps trickling', async () => {
      const port = await earlyAnswering({ idleMs: 300, maxMs: 800 });
      // Half-open, so that the server's FIN does not end our side (which would end the linger).
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      socket.on('error', () => undefined); // the reset that ends it
      socket.resume();
      const trickle = setInterval(() => socket.write('x'), 50);
      h.defer(() => {
        clearInterval(trickle);
        socket.destroy();
      });
      const started = Date.now();
      socket.write(post('/trickle', `Content-Length: ${MIB}`));

      await new Promise((resolve) => socket.once('close', resolve));

      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(Date.now() - started).toBeLessThan(1500);
    });

    it('closes once more than maxBytes were discarded', async () => {
      const port = await earlyAnswering({ idleMs: 5000, maxMs: 5000, maxBytes: MIB });

      const result = await upload(port, post('/firehose', `Content-Length: ${64 * MIB}`), {
        parts: body(256 * KIB),
        endless: true,
        allowHalfOpen: true,
        waitMs: 4000,
      });

      expect([result.response?.status, result.response?.complete, result.closed]).toEqual([200, true, true]);
    });

    // RFC 9112 §9.6: after a response announcing close, no further request on the connection
    // is processed. The discarded bytes never reach Node's parser, so a pipelined one is not seen.
    it('does not serve a request pipelined after the discarded body', async () => {
      const seen: string[] = [];
      const port = await earlyAnswering({ idleMs: 500 }, seen);
      const second = Buffer.from(requestText('GET /second HTTP/1.1', ['Host: app.test']));

      const result = await upload(port, post('/first', `Content-Length: ${100 * KIB}`), {
        parts: [WRITE],
        afterAnswer: [Buffer.alloc(100 * KIB - WRITE.length, 0x61), second],
        // Half-open: a client FIN would end the linger before a parser could act on `second`.
        allowHalfOpen: true,
        waitMs: 1000,
      });

      expect([result.responses, result.response?.status]).toEqual([1, 200]);
      expect(seen).toEqual(['/first']);
    });

    it('lingers once when called twice, and leaves no listener behind', async () => {
      let report!: (counts: number[]) => void;
      const counts = new Promise<number[]>((resolve) => (report = resolve));
      const up = await h.upstream((req, res) => {
        const socket = req.socket;
        const ends = socket.listenerCount('end');
        res.shouldKeepAlive = false;
        lingerOnClose(req, res, { ...LIMITS, idleMs: 300 });
        lingerOnClose(req, res, { ...LIMITS, idleMs: 300 });
        // Node's server emits the response's 'close' on the tick after it called destroySoon.
        res.once('close', () => {
          const lingering = [socket.listenerCount('data'), socket.listenerCount('end') - ends];
          socket.once('close', () =>
            setImmediate(() => report([...lingering, socket.listenerCount('data'), socket.listenerCount('end') - ends])),
          );
        });
        res.end('early');
      });
      // Half-open and quiet: the idle time ends the linger, not the client's FIN.
      const socket = connect({ port: Number(new URL(up.url).port), host: '127.0.0.1', allowHalfOpen: true });
      h.defer(() => socket.destroy());
      socket.on('error', () => undefined);
      socket.resume();
      socket.write(post('/twice', `Content-Length: ${MIB}`));
      socket.write(WRITE);

      // Lingering: one 'data' listener (the parser's is gone), one more 'end'. After: none of ours.
      expect(await counts).toEqual([1, 1, 0, 0]);
    });

    it('does nothing for a request that arrived whole: the connection stays alive', async () => {
      let socket: Socket | undefined;
      const up = await h.upstream((req, res) => {
        req.resume();
        req.on('end', () => {
          lingerOnClose(req, res, { ...LIMITS, idleMs: 100 });
          socket = req.socket;
          res.end(`ok ${req.url}`);
        });
      });

      const first = requestText('POST /first HTTP/1.1', ['Host: app.test', 'Content-Length: 5'], 'hello');
      const second = requestText('GET /second HTTP/1.1', ['Host: app.test']);
      const result = await rawExchange(Number(new URL(up.url).port), [first, { pauseMs: 300 }, second], {
        responses: 2,
        waitMs: 3000,
      });

      expect(result.responses.map((r) => r.body.toString())).toEqual(['ok /first', 'ok /second']);
      expect(result.closed).toBe(false);
      expect(Object.hasOwn(socket!, 'destroySoon')).toBe(false);
    });
  });
});

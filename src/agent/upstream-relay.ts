import { PassThrough } from 'node:stream';
import type { Duplex, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { declaredLength } from '../http/response-length.js';
import { encodeRawResponseHeadFrame, namesWebSocket, ResetCode } from '../protocol/index.js';
import type { RequestHead } from '../protocol/index.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';

/** A request that reached the agent and is on its way to the upstream; its {@link ExchangeRecord} follows once it ends. */
export interface RequestStart {
  readonly method: string;
  readonly target: string;
  /** The proxy's `X-Request-ID` for it, when the request carries one. */
  readonly requestId?: string;
}

/** One line of the agent's request log: a request that ended, answered or not. */
export interface ExchangeRecord {
  readonly method: string;
  readonly target: string;
  /** The upstream's status, or 0 when it failed before answering. */
  readonly status: number;
  /** From the request's arrival to its end (the whole response body sent, or the failure). */
  readonly ms: number;
  readonly error?: string;
  /** Response body bytes the upstream sent (after a `101`, what it sent over the new protocol is not counted). */
  readonly bytes?: number;
  /** The proxy's `X-Request-ID` for it, when the request carries one. */
  readonly requestId?: string;
}

/** Where the agent sends requests: an undici dispatcher and the origin to address. */
export interface Upstream {
  readonly dispatcher: Dispatcher;
  readonly origin: string;
}

const NO_BODY_STATUS = new Set([204, 304]);

/**
 * Relays one tunnel stream to the upstream and its answer back: request head and body in,
 * response head and body out, with backpressure both ways (undici pauses while the tunnel
 * stream has no credit). An upstream failure resets the stream, so the proxy answers 502 or
 * aborts the client instead of passing on a truncated body as complete.
 */
export function relayToUpstream(
  tunnel: TunnelConnection,
  stream: TunnelStream,
  head: RequestHead,
  upstream: Upstream,
  onDone: (record: ExchangeRecord) => void,
): void {
  const exchange = new UpstreamExchange(tunnel, stream, head, onDone);
  stream.on('error', (err) => exchange.streamFailed(err));
  const { headers, upgrade } = requestFields(head);
  // The proxy needs no more window once the declared request body is in: no WINDOW_UPDATE then.
  const length = declaredLength(headers);
  if (typeof length === 'number') stream.remoteBodyLength = length;
  try {
    upstream.dispatcher.dispatch(
      upgrade
        ? { origin: upstream.origin, path: head.target, method: head.method as Dispatcher.HttpMethod, headers, body: null, upgrade: 'websocket' }
        : {
            origin: upstream.origin,
            path: head.target,
            method: head.method as Dispatcher.HttpMethod,
            headers,
            body: stream.remoteEnded ? null : requestBody(stream),
          },
      exchange,
    );
  } catch (err) {
    stream.reset(ResetCode.UpstreamError, (err as Error).message);
    exchange.finish((err as Error).message);
  }
}

/**
 * One request's undici handler (the Dispatcher lifecycle: connect → headers → data → complete |
 * error). A class rather than a handful of closures: one object per request, which is most of
 * what a request allocates here, and undici calls its methods with it as `this`.
 */
class UpstreamExchange implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private status = 0;
  private bytes = 0;
  /** The body length the response declared, when it did: its last byte can carry END_STREAM. */
  private declared: number | undefined = undefined;
  /** undici's resume, once the response started; listened for on 'drain' only once a write had to wait. */
  private resume: (() => void) | undefined = undefined;
  private awaitingDrain = false;
  private finished = false;
  /** undici's abort, handed out once a connection is ready: until then nothing was sent. */
  private abortRequest: ((err?: Error) => void) | undefined = undefined;

  constructor(
    private readonly tunnel: TunnelConnection,
    private readonly stream: TunnelStream,
    private readonly head: RequestHead,
    private readonly onDone: (record: ExchangeRecord) => void,
  ) {}

  finish(error?: string): void {
    if (this.finished) return;
    this.finished = true;
    const { head } = this;
    this.onDone({ method: head.method, target: head.target, status: this.status, ms: performance.now() - this.started, error, bytes: this.bytes });
  }

  streamFailed(err: Error): void {
    this.abortRequest?.(err);
    this.finish(err.message);
  }

  onConnect(abortRequest: (err?: Error) => void): void {
    this.abortRequest = abortRequest;
    // A stream reset while undici was still connecting (or queued) is acted on here, before
    // the request is written.
    const { stream } = this;
    if (stream.destroyed) abortRequest(stream.errored ?? new Error('stream closed'));
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void, statusText?: string): boolean {
    const { stream } = this;
    if (statusCode < 200) {
      // docs/protocol.md §5.4: relayed when the connection negotiated `interim`. A 100 is not:
      // requests that expect one go through node:http (continue-relay.ts), so here it would
      // answer nothing the client asked. (undici fails a response that starts with a 100.)
      if (statusCode !== 100) this.tunnel.sendInterimHead(stream, { status: statusCode, reason: statusText ?? '', headers: fieldPairs(rawHeaders) });
      return true;
    }
    this.status = statusCode;
    const bodiless = this.head.method === 'HEAD' || NO_BODY_STATUS.has(statusCode);
    // The head goes out as undici's field bytes, with no string made for any of them.
    this.tunnel.sendFrame(encodeRawResponseHeadFrame(stream.id, statusCode, statusText ?? '', rawHeaders, bodiless));
    if (bodiless) stream.endedWithHead();
    else {
      this.declared = declaredBodyLength(rawHeaders);
      this.resume = resume;
    }
    return true;
  }

  onUpgrade(statusCode: number, rawHeaders: Buffer[] | string[] | null, socket: Duplex): void {
    this.status = statusCode;
    const { stream } = this;
    // The proxy gave up on the stream while the upstream was accepting: close what it opened.
    if (stream.destroyed) {
      socket.destroy();
      return this.finish('stream closed before the upgrade');
    }
    this.tunnel.sendResponseHead(stream, { status: statusCode, reason: 'Switching Protocols', headers: fieldPairs(rawHeaders ?? []) }, false);
    bridgeSocket(stream, socket, (error) => this.finish(error));
  }

  // A chunk the window and the connection take at once is sent as it is; the declared body's
  // last byte carries END_STREAM, so a small response is two frames (head, DATA) and never
  // enters the stream's writable buffer. Anything else waits in it, as any write does.
  onData(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    const { stream } = this;
    if (stream.sendNow(chunk, this.bytes === this.declared)) return true;
    if (stream.write(chunk)) return true;
    if (!this.awaitingDrain) {
      this.awaitingDrain = true;
      stream.on('drain', this.resume!);
    }
    return false;
  }

  onComplete(trailers: Buffer[] | string[] | null): void {
    const { stream } = this;
    // The upstream's trailers end the response when the connection negotiated `trailers`.
    if (trailers && trailers.length > 0) stream.endWithTrailers(fieldPairs(trailers));
    else if (!stream.localEnded && !stream.sendNow(EMPTY, true)) stream.endWithTrailers(NO_FIELDS);
    this.finish();
  }

  onError(err: Error): void {
    // undici hands out the abort (onConnect) only once a connection is ready to take the
    // request: an error before that means the upstream never saw a byte of it, which the
    // proxy may then send elsewhere (docs/protocol.md §8).
    this.stream.reset(this.abortRequest === undefined ? ResetCode.UpstreamUnreachable : ResetCode.UpstreamError, err.message);
    this.finish(err.message);
  }
}

const NO_FIELDS: Array<[string, string]> = [];
const EMPTY = Buffer.alloc(0);

/**
 * The body length a response's raw fields declare with one plain `Content-Length` and no
 * `Transfer-Encoding` (which would frame the body instead); undefined for anything else, whose
 * end then comes from undici alone.
 */
export function declaredBodyLength(raw: ReadonlyArray<Buffer | string>): number | undefined {
  let length: number | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 17 && fieldNameIs(name, 'transfer-encoding')) return undefined;
    if (name.length !== 14 || !fieldNameIs(name, 'content-length')) continue;
    if (length !== undefined) return undefined;
    length = digits(raw[i + 1]!);
    if (length === undefined) return undefined;
  }
  return length;
}

// `lower` is a lower-case field name of letters and hyphens; `name` has its length.
function fieldNameIs(name: Buffer | string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    const b = typeof name === 'string' ? name.charCodeAt(i) : name[i]!;
    if (b !== c && !(c >= 0x61 && b === c - 0x20)) return false;
  }
  return true;
}

// 1 to 15 decimal digits and nothing else, or undefined.
function digits(value: Buffer | string): number | undefined {
  const n = value.length;
  if (n === 0 || n > 15) return undefined;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = (typeof value === 'string' ? value.charCodeAt(i) : value[i]!) - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}

/**
 * The request's fields as undici's flat list, in one pass. undici writes an upgrade's own
 * Connection and Upgrade fields (and refuses ours), so those are left out of a WebSocket
 * upgrade; the proxy forwards only WebSocket upgrades, marked with `Upgrade: websocket`.
 */
export function requestFields(head: RequestHead): { headers: string[]; upgrade: boolean } {
  const headers: string[] = [];
  let upgrade = false;
  for (const [name, value] of head.headers) {
    if (name.length === 7 && name.toLowerCase() === 'upgrade' && namesWebSocket(value)) upgrade = true;
    headers.push(name, value);
  }
  if (!upgrade) return { headers, upgrade };
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (!UPGRADE_FIELDS.has(headers[i]!.toLowerCase())) kept.push(headers[i]!, headers[i + 1]!);
  return { headers: kept, upgrade };
}

const UPGRADE_FIELDS = new Set(['connection', 'upgrade']);

/**
 * The request's `X-Request-ID` (the proxy sets one on every request it forwards) and its
 * `Host`, the first of each, found in one pass over the fields.
 */
export function requestIdAndHost(head: RequestHead): { requestId: string | undefined; host: string | undefined } {
  let requestId: string | undefined;
  let host: string | undefined;
  for (const [name, value] of head.headers) {
    if (name.length === 12) {
      if (requestId === undefined && name.toLowerCase() === 'x-request-id') requestId = value;
    } else if (name.length === 4 && host === undefined && name.toLowerCase() === 'host') host = value;
  }
  return { requestId, host };
}

const text = (field: Buffer | string): string => (typeof field === 'string' ? field : field.toString('latin1'));

/** Raw header lists (undici's Buffers, node:http's strings) as the tunnel's pairs. */
export function fieldPairs(rawHeaders: ReadonlyArray<Buffer | string>): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  for (let i = 0; i < rawHeaders.length; i += 2) fields.push([text(rawHeaders[i]!), text(rawHeaders[i + 1]!)]);
  return fields;
}

/**
 * After a `101`, the upstream connection and the tunnel stream carry the new protocol's bytes
 * both ways; either side ending half-closes the other, either failing ends both.
 */
function bridgeSocket(stream: TunnelStream, socket: Duplex, finish: (error?: string) => void): void {
  socket.pipe(stream);
  stream.pipe(socket);
  socket.on('error', (err) => stream.reset(ResetCode.UpstreamError, err.message));
  stream.on('error', () => socket.destroy());
  socket.once('close', () => {
    if (!stream.destroyed && !(stream.remoteEnded && stream.localEnded)) stream.reset(ResetCode.UpstreamError, 'upstream connection closed');
    finish();
  });
}

// undici destroys a body stream once it has sent it; the tunnel stream must outlive that (its
// writable side still carries the response), so undici gets a view of the readable side only.
function requestBody(stream: TunnelStream): Readable {
  const body = new PassThrough({ highWaterMark: 64 * 1024 });
  stream.pipe(body);
  return body;
}

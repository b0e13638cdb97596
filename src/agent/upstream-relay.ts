import { PassThrough } from 'node:stream';
import type { Duplex, Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { declaredLength } from '../http/response-length.js';
import { namesWebSocket, ResetCode } from '../protocol/index.js';
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
  const started = performance.now();
  let status = 0;
  let bytes = 0;
  let abort: ((err?: Error) => void) | undefined;
  let finished = false;
  const finish = (error?: string): void => {
    if (finished) return;
    finished = true;
    onDone({ method: head.method, target: head.target, status, ms: performance.now() - started, error, bytes });
  };
  stream.on('error', (err) => {
    abort?.(err);
    finish(err.message);
  });
  const upgrade = isWebSocketUpgrade(head);
  const headers: string[] = [];
  for (const [name, value] of head.headers) {
    // undici writes the upgrade's own Connection and Upgrade fields (and refuses ours).
    if (upgrade && UPGRADE_FIELDS.has(name.toLowerCase())) continue;
    headers.push(name, value);
  }
  // The proxy needs no more window once the declared request body is in: no WINDOW_UPDATE then.
  const length = declaredLength(headers);
  if (typeof length === 'number') stream.remoteBodyLength = length;
  const handler: Dispatcher.DispatchHandler = {
    onConnect: (abortRequest) => {
      abort = abortRequest;
      // undici hands out the abort only once a connection is ready: a stream reset while it
      // was still connecting (or queued) is acted on here, before the request is written.
      if (stream.destroyed) abortRequest(stream.errored ?? new Error('stream closed'));
    },
    onHeaders: (statusCode, rawHeaders, resume, statusText) => {
      if (statusCode < 200) {
        // docs/protocol.md §5.4: relayed when the connection negotiated `interim`. A 100 is not:
        // requests that expect one go through node:http (continue-relay.ts), so here it would
        // answer nothing the client asked. (undici fails a response that starts with a 100.)
        const interim = { status: statusCode, reason: statusText ?? '', headers: fieldPairs(rawHeaders) };
        if (statusCode !== 100) tunnel.sendInterimHead(stream, interim);
        return true;
      }
      status = statusCode;
      const fields = fieldPairs(rawHeaders);
      const bodiless = head.method === 'HEAD' || NO_BODY_STATUS.has(statusCode);
      tunnel.sendResponseHead(stream, { status: statusCode, reason: statusText ?? '', headers: fields }, bodiless);
      stream.on('drain', resume);
      return true;
    },
    onUpgrade: (statusCode, rawHeaders, socket) => {
      status = statusCode;
      // The proxy gave up on the stream while the upstream was accepting: close what it opened.
      if (stream.destroyed) {
        socket.destroy();
        return finish('stream closed before the upgrade');
      }
      tunnel.sendResponseHead(stream, { status: statusCode, reason: 'Switching Protocols', headers: fieldPairs(rawHeaders ?? []) }, false);
      bridgeSocket(stream, socket, finish);
    },
    onData: (chunk) => {
      bytes += chunk.length;
      return stream.write(chunk);
    },
    onComplete: (trailers) => {
      // The upstream's trailers end the response when the connection negotiated `trailers`.
      stream.endWithTrailers(trailers ? fieldPairs(trailers) : []);
      finish();
    },
    onError: (err) => {
      // undici hands out the abort (onConnect) only once a connection is ready to take the
      // request: an error before that means the upstream never saw a byte of it, which the
      // proxy may then send elsewhere (docs/protocol.md §8).
      stream.reset(abort === undefined ? ResetCode.UpstreamUnreachable : ResetCode.UpstreamError, err.message);
      finish(err.message);
    },
  };
  try {
    upstream.dispatcher.dispatch(
      {
        origin: upstream.origin,
        path: head.target,
        method: head.method as Dispatcher.HttpMethod,
        headers,
        body: stream.remoteEnded || upgrade ? null : requestBody(stream),
        ...(upgrade ? { upgrade: 'websocket' } : {}),
      },
      handler,
    );
  } catch (err) {
    stream.reset(ResetCode.UpstreamError, (err as Error).message);
    finish((err as Error).message);
  }
}

const UPGRADE_FIELDS = new Set(['connection', 'upgrade']);

/** The request's `X-Request-ID` (the proxy sets one on every request it forwards). */
export function requestIdOf(head: RequestHead): string | undefined {
  return head.headers.find(([name]) => name.length === 12 && name.toLowerCase() === 'x-request-id')?.[1];
}

/** The proxy forwards only WebSocket upgrades, marked with `Upgrade: websocket`. */
function isWebSocketUpgrade(head: RequestHead): boolean {
  return head.headers.some(([name, value]) => name.length === 7 && name.toLowerCase() === 'upgrade' && namesWebSocket(value));
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

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, InformationEvent, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { ResetCode } from '../protocol/index.js';
import type { RequestHead } from '../protocol/index.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import { fieldPairs } from './upstream-relay.js';
import type { ExchangeRecord } from './upstream-relay.js';

// docs/protocol.md §5.4, the `continue` feature. undici refuses to send `Expect` (and fails a
// response that starts with a 100), so a request that expects 100-continue reaches the upstream
// through node:http instead, which sends the field and reports the upstream's 100. Every other
// request stays on undici (upstream-relay.ts).

/** An upstream reached with node:http: the requests undici cannot send. */
export interface NodeUpstream {
  /** Starts a request with `fields` as the raw header list (`[name, value, …]`, order kept). */
  request(method: string, path: string, fields: string[]): ClientRequest;
  /** Ends its kept-alive connections. */
  close(): void;
}

/** A node:http upstream at a base URL (`http://` or `https://`), or on a Unix socket. */
export function nodeUpstream(target: URL | { readonly socketPath: string }): NodeUpstream {
  if (!(target instanceof URL)) {
    const agent = new HttpAgent({ keepAlive: true });
    const { socketPath } = target;
    return { request: (method, path, headers) => httpRequest({ socketPath, method, path, headers, agent }), close: () => agent.destroy() };
  }
  const secure = target.protocol === 'https:';
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  // `[::1]` in a URL, `::1` for the socket.
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = target.port === '' ? (secure ? 443 : 80) : Number(target.port);
  const base: RequestOptions = { host, port, agent };
  return { request: (method, path, headers) => send({ ...base, method, path, headers }), close: () => agent.destroy() };
}

/** Whether a request head carries `Expect: 100-continue` (the proxy sends it only with `continue`). */
export function expectsContinue(head: RequestHead): boolean {
  return head.headers.some(([name, value]) => name.length === 6 && name.toLowerCase() === 'expect' && value.trim().toLowerCase() === '100-continue');
}

/**
 * The request's fields for node:http. A body without `Content-Length` came chunked (the proxy
 * removed `Transfer-Encoding`, a hop-by-hop field); node:http would send a GET's or DELETE's
 * body without any framing unless told.
 */
export function continueRequestFields(head: RequestHead, hasBody: boolean): string[] {
  const fields: string[] = [];
  let framed = false;
  for (const [name, value] of head.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'transfer-encoding') framed = true;
    fields.push(name, value);
  }
  if (hasBody && !framed) fields.push('Transfer-Encoding', 'chunked');
  return fields;
}

const NO_BODY_STATUS = new Set([204, 304]);

/**
 * Relays a stream whose request expects 100-continue: the head goes up with `Expect`; the
 * upstream's `100` (and any other 1xx) comes back as an interim head, after which the public
 * client sends its body and it flows up as it arrives. The body is never held back here: the
 * client decides when it sends it (after the 100, or earlier: RFC 9110 §10.1.1 lets it), so
 * whatever arrives goes on. A final answer before any 100 is relayed as usual, and the body is
 * not sent: what the client may still send is read and dropped, and the upstream connection,
 * left mid-request, is closed once the answer is whole.
 */
export function relayWithContinue(
  tunnel: TunnelConnection,
  stream: TunnelStream,
  head: RequestHead,
  upstream: NodeUpstream,
  onDone: (record: ExchangeRecord) => void,
): void {
  const started = performance.now();
  let status = 0;
  let bytes = 0;
  let finished = false;
  /** A connection to the upstream was made: something of the request may have reached it. */
  let reached = false;
  let continued = false;
  let responseEnded = false;
  const finish = (error?: string): void => {
    if (finished) return;
    finished = true;
    onDone({ method: head.method, target: head.target, status, ms: performance.now() - started, error, bytes });
  };
  const bodyless = stream.remoteEnded && stream.readableLength === 0;
  let req: ClientRequest;
  try {
    req = upstream.request(head.method, head.target, continueRequestFields(head, !bodyless));
  } catch (err) {
    // node:http refuses what it cannot write (a control character in a field): nothing was sent.
    stream.reset(ResetCode.UpstreamError, (err as Error).message);
    return finish((err as Error).message);
  }
  const fail = (err: Error): void => {
    // After a whole answer, a failure (the upstream closing on an unsent body) changes nothing.
    if (responseEnded || stream.destroyed) return finish(err.message);
    stream.reset(reached || status !== 0 ? ResetCode.UpstreamError : ResetCode.UpstreamUnreachable, err.message);
    finish(err.message);
  };
  stream.on('error', (err) => {
    req.destroy();
    finish(err.message);
  });
  req.on('socket', (socket: Socket) => {
    if (!socket.connecting) reached = true;
    else socket.once('connect', () => (reached = true));
  });
  req.on('error', fail);
  req.on('information', (info: InformationEvent) => {
    if (info.statusCode === 100) continued = true;
    tunnel.sendInterimHead(stream, { status: info.statusCode, reason: info.statusMessage ?? '', headers: fieldPairs(info.rawHeaders) });
  });
  let dropped = false;
  // Stops the body going up; what the client still sends is read and dropped (§5.2 rule 3).
  const dropBody = (): void => {
    dropped = true;
    stream.unpipe(req);
    stream.resume();
  };
  sendBody(stream, req, bodyless, () => dropped);
  req.on('response', (res: IncomingMessage) => {
    status = res.statusCode ?? 0;
    // Refused before it was invited: the body stays with the client (docs/protocol.md §5.4).
    if (!continued && !req.writableEnded) dropBody();
    if (stream.destroyed) return void req.destroy();
    const bodiless = head.method === 'HEAD' || NO_BODY_STATUS.has(status);
    tunnel.sendResponseHead(stream, { status, reason: res.statusMessage ?? '', headers: fieldPairs(res.rawHeaders) }, bodiless);
    stream.on('drain', () => res.resume());
    res.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!stream.write(chunk)) res.pause();
    });
    res.on('error', fail);
    res.once('end', () => {
      responseEnded = true;
      stream.endWithTrailers(fieldPairs(res.rawTrailers));
      // A request never finished leaves its connection unusable for the next one.
      if (!req.writableFinished) {
        dropBody();
        req.destroy();
      }
      finish();
    });
  });
}

/** The tunnel's request body to the upstream as it arrives, then its trailers (chunked only). */
function sendBody(stream: TunnelStream, req: ClientRequest, bodyless: boolean, dropped: () => boolean): void {
  if (bodyless) return void req.end();
  stream.pipe(req, { end: false });
  stream.once('end', () => {
    if (req.destroyed || dropped()) return;
    const trailers = stream.trailers ?? [];
    // node:http writes trailers only after a chunked body, and checks them as it does fields.
    if (trailers.length > 0 && req.chunkedEncoding) {
      try {
        req.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
      } catch {
        // dropped, as undici's relay drops every request trailer
      }
    }
    req.end();
  });
}


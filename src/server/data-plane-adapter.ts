import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server as HttpServer, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HarpConfig } from '../config/index.js';
import { ERROR_CATALOGUE, type HttpErrorCode } from '../errors/index.js';
import { isReservedUrl } from '../http/reserved-prefix.js';
import { MAX_REQUEST_HEADER_FIELDS } from '../proxy/proxy-settings.js';
import { closeAfterResponse, endLingering } from '../proxy/lingering-close.js';
import type { LingerOptions } from '../proxy/lingering-close.js';
import { continueHeldBack } from '../proxy/proxy.service.js';
import { httpsLocation } from './https-redirect.js';
import { isHttp2Request, requestHasBody } from '../http/http2-fields.js';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { adaptHttp2, asHttp1, refuseHttp2 } from './h2-compat.js';
import { ReservedOverHttp2 } from './h2-reserved-bridge.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Express for `/_harp/*`, and nothing in front of the data plane: public requests go from
 * Node's HTTP server straight to the proxy (Express costs ~6× the CPU of `node:http` per
 * request). The server is created here, not by Nest's default, to apply HARP's limits for
 * header size and slow clients.
 */
export class DataPlaneAdapter extends ExpressAdapter {
  private dataPlane?: RequestHandler;
  private drain?: () => Promise<void>;
  /** Servers besides Nest's that serve the same (the HTTPS listener). */
  private readonly others = new Set<HttpServer>();
  /** Set with `httpRedirect`, once the HTTPS port is bound. */
  private redirectPort?: number;
  /** `/_harp/*` over HTTP/2, made with the first such request. */
  private reservedOverHttp2?: ReservedOverHttp2;

  constructor(private readonly config: HarpConfig) {
    super();
  }

  /** Stops the server; connections lingering after an early answer are ended, not waited for. */
  override async close(): Promise<void> {
    const server = this.getHttpServer() as object | undefined;
    if (server) endLingering(server);
    const others = [...this.others].map((other) => {
      endLingering(other);
      // The drain has run: what is left is cut, as Nest's adapter does with its own.
      const closed = new Promise<void>((resolve) => other.close(() => resolve()));
      other.closeAllConnections();
      return closed;
    });
    await Promise.all([super.close(), ...others]);
  }

  /**
   * The first step of Nest's `close()`, before any module's destroy hook: the proxy's drain
   * runs here, while the modules that log and count its requests are all still there.
   */
  override async beforeClose(): Promise<void> {
    super.beforeClose();
    await this.drain?.();
  }

  /** Called once the app exists: what {@link beforeClose} waits for. */
  setDrain(drain: () => Promise<void>): void {
    this.drain = drain;
  }

  /** Called once the proxy service exists; until then public requests get 503. */
  setDataPlane(handler: RequestHandler): void {
    this.dataPlane = handler;
  }

  override initHttpServer(): void {
    const server = createServer(dataPlaneServerOptions(this.config));
    this.serve(server, () => this.redirectPort);
    this.setHttpServer(server);
  }

  /**
   * Serves the same on another server (the HTTPS listener): the data plane, `/_harp/*`, the
   * same limits. It is closed with the app, after the drain.
   */
  serveAlso(server: HttpServer): void {
    this.serve(server, () => undefined);
    this.others.add(server);
  }

  /** From now on the plain port redirects to HTTPS on `port` (`httpRedirect`). */
  redirectTo(port: number): void {
    this.redirectPort = port;
  }

  private serve(server: HttpServer, redirectPort: () => number | undefined): void {
    const express = this.getInstance() as RequestHandler;
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (isHttp2Request(req)) return this.serveHttp2(req, res, false);
      track(res);
      if (this.redirected(req, res, redirectPort())) return;
      if (isReservedUrl(req.url) || !this.dataPlane) express(req, res);
      else this.dataPlane(req, res);
    });
    // Node would otherwise drop the fields past its default 2000 silently, framing fields
    // included; one more than the limit lets the proxy see that a request has too many.
    server.maxHeadersCount = MAX_REQUEST_HEADER_FIELDS + 1;
    // Without this listener Node answers `Expect: 100-continue` itself, before the proxy could
    // refuse the upload (413) or find no route for it.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (isHttp2Request(req)) return this.serveHttp2(req, res, true);
      track(res);
      if (this.redirected(req, res, redirectPort())) return; // the body is never asked for
      if (isReservedUrl(req.url) || !this.dataPlane) {
        res.writeContinue();
        express(req, res);
      } else {
        continueHeldBack.add(req);
        this.dataPlane(req, res);
      }
    });
    server.on('clientError', answerClientError);
    // HTTP/2's CONNECT is refused with a code (h2-compat.ts) rather than Node's bare 405; an
    // HTTP/1.1 one has its connection closed, as Node does when no one listens.
    server.on('connect', (req: IncomingMessage, resOrSocket: ServerResponse | Duplex) => {
      if (isHttp2Request(req)) this.serveHttp2(req, resOrSocket as ServerResponse, false);
      else (resOrSocket as Duplex).destroy();
    });
  }

  /**
   * A request on an HTTP/2 stream (the TLS port), adapted to look like HTTP/1.1 to the proxy
   * (h2-compat.ts). No redirect (it came over TLS), no lingering close, no parser errors.
   */
  private serveHttp2(h2req: IncomingMessage, h2res: ServerResponse, held: boolean): void {
    const stream = { req: h2req as unknown as Http2ServerRequest, res: h2res as unknown as Http2ServerResponse };
    const refused = adaptHttp2(stream.req, stream.res, this.config.maxHeaderBytes);
    const { req, res } = asHttp1(stream.req, stream.res);
    if (refused) {
      // A body that may follow is not read: the stream is ended after the answer (RST_STREAM NO_ERROR).
      closeAfterResponse(req, res, lingerLimits(this.config));
      return refuseHttp2(stream.req, stream.res, refused);
    }
    if (isReservedUrl(req.url) || !this.dataPlane) {
      if (held) res.writeContinue();
      this.reservedOverHttp2 ??= new ReservedOverHttp2(this.getInstance() as RequestHandler);
      return this.reservedOverHttp2.serve(stream.req, stream.res);
    }
    if (held) continueHeldBack.add(req);
    this.dataPlane(req, res);
  }

  private redirected(req: IncomingMessage, res: ServerResponse, port: number | undefined): boolean {
    const location = port === undefined ? undefined : httpsLocation(req.url, req.headers.host, port);
    if (location === undefined) return false;
    // The body is not wanted: read and dropped, or the connection closed after the answer.
    if (!req.complete && requestHasBody(req)) closeAfterResponse(req, res, lingerLimits(this.config));
    const body = `308 Permanent Redirect: ${location}\n`;
    res.writeHead(308, { Location: location, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}

/** The options of every server of the data plane: HARP's limits for header size and slow clients. */
export function dataPlaneServerOptions(config: HarpConfig): ServerOptions {
  const { headersTimeoutMs } = config;
  return {
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: headersTimeoutMs,
    // Node enforces headersTimeout only when it sweeps its connections, every 30 s by
    // default: a slowloris client would get up to 30 s more than configured.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    // Bodies may legitimately take long (a 1 GiB upload). A stalled one is answered 504 after
    // requestTimeoutMs without a byte, and its connection is closed.
    requestTimeout: 0,
    keepAliveTimeout: 5000,
    // The proxy refuses a missing Host itself, with its error code; `/_harp/*` needs none.
    requireHostHeader: false,
  };
}

function lingerLimits(config: HarpConfig): LingerOptions {
  return { idleMs: config.lingeringTimeoutMs, maxMs: config.lingeringTimeMs, maxBytes: config.lingeringMaxBytes };
}

// Responses not yet done, per connection: a client error must not write into one of them.
const unfinished = new WeakMap<Duplex, Set<ServerResponse>>();
// Node's parser reports its error again on every later read of a broken connection.
const failed = new WeakSet<Duplex>();

function track(res: ServerResponse): void {
  const socket = res.req.socket; // `res.socket` is null while a pipelined answer waits its turn
  let open = unfinished.get(socket);
  if (open === undefined) unfinished.set(socket, (open = new Set()));
  open.add(res);
  res.once('close', () => open.delete(res));
}

// Node's parser errors that have a code of their own; every other one is a plain 400.
const CLIENT_ERRORS: Record<string, HttpErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'body_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  // The HTTP/2 connection preface (h2c with prior knowledge): not served on the plain port.
  HPE_PAUSED_H2_UPGRADE: 'version_not_supported',
};

/**
 * Node's parser refuses malformed or ambiguous requests (conflicting framing, bad chunk sizes,
 * control characters in fields): each gets a short answer with a code and a closed connection,
 * unless answers are already under way on that connection. A pipelined error must not turn
 * into bytes inside an earlier response's body, nor be read as an earlier request's answer.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (failed.has(socket)) return;
  failed.add(socket);
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const open = [...(unfinished.get(socket) ?? [])];
  const earlier = open.filter((res) => res.req.complete);
  if (earlier.length > 0) {
    // Requests before the broken one get their whole answers, then the connection closes.
    let left = earlier.length;
    for (const res of earlier) res.once('close', () => --left === 0 && socket.end());
    return;
  }
  // The broken request is the one being read (its body failed); it may be answered already.
  const broken = open[0];
  if (broken?.headersSent) {
    if (broken.writableEnded) socket.end();
    else socket.destroy(); // half an answer must look broken, not complete
    return;
  }
  const code = CLIENT_ERRORS[err.code ?? ''] ?? 'bad_request';
  const { status, message } = ERROR_CATALOGUE[code];
  const body = `${status} ${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Harp-Error: ${code}\r\nConnection: close\r\n\r\n${body}`,
  );
}

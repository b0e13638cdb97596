import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HarpConfig } from '../config/index.js';
import { ERROR_CATALOGUE, type HttpErrorCode } from '../errors/index.js';
import { isReservedUrl } from '../http/reserved-prefix.js';
import { MAX_REQUEST_HEADER_FIELDS } from '../proxy/proxy-settings.js';
import { endLingering } from '../proxy/lingering-close.js';
import { continueHeldBack } from '../proxy/proxy.service.js';

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

  constructor(private readonly config: HarpConfig) {
    super();
  }

  /** Stops the server; connections lingering after an early answer are ended, not waited for. */
  override async close(): Promise<void> {
    const server = this.getHttpServer() as object | undefined;
    if (server) endLingering(server);
    await super.close();
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
    const express = this.getInstance() as RequestHandler;
    const { headersTimeoutMs } = this.config;
    const server = createServer(
      {
        maxHeaderSize: this.config.maxHeaderBytes,
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
      },
      (req, res) => {
        track(res);
        if (isReservedUrl(req.url) || !this.dataPlane) express(req, res);
        else this.dataPlane(req, res);
      },
    );
    // Node would otherwise drop the fields past its default 2000 silently, framing fields
    // included; one more than the limit lets the proxy see that a request has too many.
    server.maxHeadersCount = MAX_REQUEST_HEADER_FIELDS + 1;
    // Without this listener Node answers `Expect: 100-continue` itself, before the proxy could
    // refuse the upload (413) or find no route for it.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      track(res);
      if (isReservedUrl(req.url) || !this.dataPlane) {
        res.writeContinue();
        express(req, res);
      } else {
        continueHeldBack.add(req);
        this.dataPlane(req, res);
      }
    });
    server.on('clientError', answerClientError);
    this.setHttpServer(server);
  }
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

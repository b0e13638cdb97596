import { ExpressAdapter } from '@nestjs/platform-express';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HarpConfig } from '../config/index.js';
import { RESERVED_PREFIX } from '../proxy/proxy.service.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** True for requests HARP answers itself (`/_harp`, `/_harp/…`, `/_harp?…`). */
export function isReservedUrl(url: string | undefined): boolean {
  if (!url?.startsWith('/_harp')) return false;
  return url.length === 6 || url[6] === '/' || url[6] === '?';
}

/**
 * Express for `/_harp/*`, and nothing in front of the data plane: public requests go from
 * Node's HTTP server straight to the proxy (Express costs ~6× the CPU of `node:http` per
 * request). The server is created here, not by Nest's default, to apply HARP's limits for
 * header size and slow clients.
 */
export class DataPlaneAdapter extends ExpressAdapter {
  private dataPlane?: RequestHandler;

  constructor(private readonly config: HarpConfig) {
    super();
  }

  /** Called once the proxy service exists; until then public requests get 503. */
  setDataPlane(handler: RequestHandler): void {
    this.dataPlane = handler;
  }

  override initHttpServer(): void {
    const express = this.getInstance() as RequestHandler;
    const server = createServer(
      {
        maxHeaderSize: this.config.maxHeaderBytes,
        headersTimeout: this.config.headersTimeoutMs,
        // Bodies may legitimately take long (a 1 GiB upload); idle sockets are cut instead.
        requestTimeout: 0,
        keepAliveTimeout: 5000,
        requireHostHeader: true,
      },
      (req, res) => {
        if (isReservedUrl(req.url) || !this.dataPlane) express(req, res);
        else this.dataPlane(req, res);
      },
    );
    server.on('clientError', answerClientError);
    this.setHttpServer(server);
  }
}

const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers_too_large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'request_timeout'],
};

// Node's parser refuses malformed or ambiguous requests (conflicting framing, bad chunk sizes,
// control characters in fields): each gets a short answer with a code and a closed connection.
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (err.code === 'ECONNRESET')) {
    socket.destroy();
    return;
  }
  const [status, text, code] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'Bad Request', 'bad_request'];
  const body = `${status} ${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n` +
      `X-Harp-Error: ${code}\r\nConnection: close\r\n\r\n${body}`,
  );
}

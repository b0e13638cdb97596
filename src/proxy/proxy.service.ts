import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HarpConfig } from '../config/index.js';
import { RoutingService } from '../routing/routing.service.js';
import type { TunnelBackend } from '../tunnel/tunnel-backend.js';
import { ProxyError } from './proxy-errors.js';
import { ProxyExchange, sendErrorPage } from './proxy-exchange.js';
import { proxySettings } from './proxy-settings.js';
import type { ProxySettings } from './proxy-settings.js';
import { requestIdFor } from './request-id.js';
import { parseTarget } from './request-target.js';

/** The reserved prefix: nothing under it is ever forwarded to a backend. */
export const RESERVED_PREFIX = '/_harp/';

/**
 * Carries public requests to backends. Works on Node's own request and response objects so
 * that the standalone server can call it straight from `node:http` and an imported module can
 * call it from the catch-all controller: one implementation, two doors.
 */
@Injectable()
export class ProxyService {
  private readonly settings: ProxySettings;

  constructor(
    config: HarpConfig,
    private readonly routing: RoutingService,
  ) {
    this.settings = proxySettings(config);
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const exchange = new ProxyExchange(this.settings, req, res, requestIdFor(req.headers['x-request-id']));
    const refusal = this.refusal(req, res);
    if (refusal) return sendErrorPage(res, refusal, exchange.requestId);
    const target = parseTarget(req.url ?? '', req.headers.host);
    if (!target) return sendErrorPage(res, new ProxyError('bad_request', 'bad request target'), exchange.requestId);
    if (target.path.startsWith(RESERVED_PREFIX) || target.path === '/_harp') {
      return sendErrorPage(res, new ProxyError('reserved_path'), exchange.requestId);
    }
    const resolution = this.routing.resolve(target.host, target.path);
    if (!resolution) return sendErrorPage(res, new ProxyError('no_route'), exchange.requestId);
    // Only the registration module registers backends, and its sessions are tunnel backends.
    const backend = resolution.backend as TunnelBackend | undefined;
    if (!backend) return sendErrorPage(res, new ProxyError('no_backend'), exchange.requestId);
    exchange.forward(backend, target.origin, hasBody(req));
  }

  private refusal(req: IncomingMessage, res: ServerResponse): ProxyError | undefined {
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > this.settings.maxBodyBytes) {
      // Refused before a byte is read; the connection closes rather than draining the body.
      res.shouldKeepAlive = false;
      return new ProxyError('body_too_large', `${length} > ${this.settings.maxBodyBytes} bytes`);
    }
    return undefined;
  }
}

// Node's parser has already rejected requests with both or malformed framing fields.
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

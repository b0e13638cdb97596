import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { LevelWithSilent } from 'pino';
import type { HarpConfig } from '../config/index.js';
import { requestIdFor } from '../http/request-id.js';
import type { HarpLogger } from './root-logger.js';

// Scraped or probed every few seconds: logged at debug, not info.
const FREQUENT = /^\/_harp\/(?:metrics|healthz)(?:[?#]|$)/;

/**
 * nestjs-pino's parameters: pino-http logs HARP's own endpoints (`/_harp/*`), one line per
 * request when `accessLog` is on, through the app's root logger. Only `/_harp/*`: in an app
 * that embeds HARP, public traffic through the catch-all controller is logged by the access
 * log already, and the host app's routes are the host app's to log.
 */
export function httpLoggingParams(logs: HarpLogger, config: HarpConfig): Params {
  return {
    pinoHttp: {
      logger: logs.pino,
      serializers: { err: logs.errorSerializer },
      // Lines logged while a request is handled carry its id, not the whole request again.
      quietReqLogger: true,
      genReqId: requestIdOf,
      autoLogging: config.accessLog,
      customLogLevel: levelOf,
    },
    forRoutes: [{ path: '_harp{/*path}', method: RequestMethod.ALL }],
  };
}

function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const id = requestIdFor(req.headers['x-request-id']);
  // Whatever answers next (a controller, the proxy's error page for an unknown `/_harp` path)
  // reads the id from the request and so uses this one, which the client gets back.
  req.headers['x-request-id'] = id;
  if (!res.hasHeader('x-request-id')) res.setHeader('X-Request-ID', id);
  return id;
}

function levelOf(req: IncomingMessage, res: ServerResponse, err?: Error): LevelWithSilent {
  if (err || res.statusCode >= 500) return 'error';
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  return FREQUENT.test(url) ? 'debug' : 'info';
}

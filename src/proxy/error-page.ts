import type { ServerResponse } from 'node:http';
import { retryAfterOf } from '../errors/index.js';
import type { ProxyError } from './proxy-errors.js';

/**
 * A short plain-text error page with the stable code in `X-Harp-Error`, and `Retry-After` when
 * the failure is one a client may simply retry (RFC 9110 §10.2.3).
 */
export function sendErrorPage(
  res: ServerResponse,
  error: ProxyError,
  requestId: string,
  extraFields: readonly string[] = [],
): void {
  const body = `${error.status} ${error.message}\n`;
  const retryAfter = retryAfterOf(error.code);
  res.writeHead(error.status, [
    ...(retryAfter === undefined ? [] : ['Retry-After', String(retryAfter)]),
    'Content-Type', 'text/plain; charset=utf-8',
    'Content-Length', String(Buffer.byteLength(body)),
    'Cache-Control', 'no-store',
    'X-Harp-Error', error.code,
    'X-Request-ID', requestId,
    ...extraFields,
  ]);
  res.end(body);
}

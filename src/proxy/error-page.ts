import type { ServerResponse } from 'node:http';
import type { ProxyError } from './proxy-errors.js';

/** A short plain-text error page with the stable code in `X-Harp-Error`. */
export function sendErrorPage(
  res: ServerResponse,
  error: ProxyError,
  requestId: string,
  extraFields: readonly string[] = [],
): void {
  const body = `${error.status} ${error.message}\n`;
  res.writeHead(error.status, [
    'Content-Type', 'text/plain; charset=utf-8',
    'Content-Length', String(Buffer.byteLength(body)),
    'Cache-Control', 'no-store',
    'X-Harp-Error', error.code,
    'X-Request-ID', requestId,
    ...extraFields,
  ]);
  res.end(body);
}

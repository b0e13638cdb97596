import type { ServerResponse } from 'node:http';

/** A response an HTTP/2 adapter (server/h2-compat.ts) can end together with its head. */
interface EndsWithHead {
  endWithHead(status: number, fields: string[]): void;
}

/**
 * Writes a final head that is the whole response. To an HTTP/2 client it goes as one HEADERS
 * frame with END_STREAM, as the backend sent it: a gRPC error status without messages
 * ("trailers-only") is read from there, and nowhere else. On HTTP/1.1 it is the head and an
 * empty body, as `writeHead` and `end` give.
 */
export function writeHeadOnly(res: ServerResponse, status: number, reason: string | undefined, fields: string[]): void {
  const h2 = res as unknown as Partial<EndsWithHead>;
  if (typeof h2.endWithHead === 'function') return h2.endWithHead(status, fields);
  res.writeHead(status, reason, fields);
  res.end();
}

import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** A request body as the test clients take it: whole, or a stream to pipe. */
export type RequestBody = Buffer | string | Readable;

/** A one-shot request with a fresh connection and the body collected (tests only). */
export function send(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: RequestBody } = {}): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      collectResponse(res).then(resolve, reject);
    });
    req.on('error', reject);
    writeBody(req, options.body);
  });
}

/** `res` with its body read to the end. */
export function collectResponse(res: IncomingMessage): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }));
    res.on('error', reject);
  });
}

/** Sends `body` on `req` and ends it: at once when it is whole, piped when it is a stream. */
export function writeBody(req: ClientRequest, body: RequestBody | undefined): void {
  if (body === undefined) req.end();
  else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
  else body.pipe(req);
}

import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * How one exchange ended, as a client sees it. `complete` is true only when the response body
 * arrived in full by its own framing (Content-Length reached or the last chunk seen); an aborted
 * transfer has `complete: false` and usually an `error`.
 */
export interface Outcome {
  /** 0 when no response head arrived at all. */
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  complete: boolean;
  error?: Error;
  ms: number;
}

export interface OutcomeOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  body?: Buffer | string | Readable;
  /** Called once the response head is in; the test may then act (kill things) mid-body. */
  onResponse?: (res: IncomingMessage, req: ClientRequest) => void;
  /** Gives up (and reports an error) after this long; the default never gives up. */
  timeoutMs?: number;
}

/**
 * A one-shot request on a fresh connection that never rejects: it resolves with what happened,
 * including a response that stopped half-way. Failure tests assert on the outcome instead of
 * on an exception, so "complete 200" vs "aborted" is one `expect`.
 */
export function outcome(url: string, options: OutcomeOptions = {}): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let res: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        status: res?.statusCode ?? 0,
        headers: res?.headers ?? {},
        body: Buffer.concat(chunks),
        complete: !error && (res?.complete ?? false),
        error,
        ms: performance.now() - started,
      });
      req.destroy();
    };
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (r) => {
      res = r;
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => settle(r.complete ? undefined : new Error('response ended incomplete')));
      r.on('aborted', () => settle(new Error('response aborted')));
      r.on('error', (err) => settle(err));
      r.on('close', () => settle(r.complete ? undefined : new Error('response closed incomplete')));
      options.onResponse?.(r, req);
    });
    req.on('error', (err) => settle(err));
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => settle(new Error('client timeout')), options.timeoutMs);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

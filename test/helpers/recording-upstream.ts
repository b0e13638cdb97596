import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Harness } from './harness.js';

/** One request as the backend received it. */
export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly body: Buffer;
  /** True once the whole body arrived ('end'); false while it is arriving or if it was cut off. */
  complete: boolean;
  /** True if the request was cut off before its end. */
  aborted: boolean;
}

export interface RecordingUpstream {
  readonly url: string;
  /** Every request that reached the backend, in arrival order (bodies fill in as they arrive). */
  readonly received: ReceivedRequest[];
  /** Resolves once `count` requests have ended one way or the other (complete or aborted). */
  settled(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
}

/**
 * A real `node:http` upstream that records what it receives and answers, once the body is in,
 * with `answer(req, res, record)` (default: 200 and `ok <method> <url> <body bytes>`).
 */
export async function recordingUpstream(
  h: Harness,
  answer?: (req: IncomingMessage, res: ServerResponse, record: ReceivedRequest) => void,
): Promise<RecordingUpstream> {
  const received: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];
  const wake = (): void => waiters.splice(0).forEach((w) => w());
  const upstream = await h.upstream((req, res) => {
    const chunks: Buffer[] = [];
    const record: ReceivedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      get body() {
        return Buffer.concat(chunks);
      },
      complete: false,
      aborted: false,
    };
    received.push(record);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      record.complete = true;
      wake();
      if (answer) answer(req, res, record);
      else res.end(`ok ${record.method} ${record.url} ${record.body.length}`);
    });
    req.on('close', () => {
      if (!record.complete) {
        record.aborted = true;
        wake();
      }
    });
  });
  const settledCount = () => received.filter((r) => r.complete || r.aborted).length;
  return {
    url: upstream.url,
    received,
    settled: (count, timeoutMs = 3000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${settledCount()} of ${count} requests settled at the upstream`)),
          timeoutMs,
        );
        const check = (): void => {
          if (settledCount() >= count) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        check();
      }),
  };
}

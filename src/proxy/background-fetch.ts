import type { RequestHead, ResponseHead } from '../protocol/index.js';
import type { TunnelBackend } from '../registration/tunnel-backend.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import { endToEndOfPairs } from '../http/hop-by-hop.js';

/** A response fetched with no client waiting: its head, and its body when it was small enough. */
export interface FetchedResponse {
  readonly status: number;
  readonly reason: string;
  /** End-to-end fields, in Node's raw form. */
  readonly fields: string[];
  /** The whole body, or undefined when it ran past the limit (then it was not read to the end). */
  readonly body: Buffer | undefined;
}

/**
 * Sends a bodiless request to a backend for the proxy's own use (a background revalidation)
 * and reads the answer, at most `maxBodyBytes` of it. Rejects when the stream fails or no
 * complete answer arrives within `timeoutMs`.
 */
export function fetchFromBackend(
  backend: TunnelBackend,
  head: RequestHead,
  maxBodyBytes: number,
  timeoutMs: number,
): Promise<FetchedResponse> {
  return new Promise((resolve, reject) => {
    const stream: TunnelStream = backend.openStream(head, true);
    const timer = setTimeout(() => stream.destroy(new Error('background fetch timed out')), timeoutMs);
    timer.unref();
    const chunks: Buffer[] = [];
    let size = 0;
    let response: ResponseHead | undefined;
    const settle = (outcome: FetchedResponse | Error): void => {
      clearTimeout(timer);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    stream.once('head', (h: ResponseHead) => (response = h));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) return void chunks.push(chunk);
      const h = response!;
      stream.destroy();
      settle({ status: h.status, reason: h.reason, fields: endToEndOfPairs(h.headers), body: undefined });
    });
    stream.on('end', () => {
      if (!response) return settle(new Error('no response head'));
      const h = response;
      settle({ status: h.status, reason: h.reason, fields: endToEndOfPairs(h.headers), body: Buffer.concat(chunks) });
    });
    stream.on('error', (err) => settle(err));
  });
}

import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { failWhenStalled, stallEvery } from './byte-streams.js';

/** What {@link slowDownload} saw of a response; the body itself went to `onChunk`. */
export interface SlowDownload {
  status: number;
  headers: IncomingHttpHeaders;
  /** Whether the body arrived whole (Node's `IncomingMessage.complete`). */
  complete: boolean;
  bytes: number;
}

/**
 * GETs `url` as a slow client does: reading stops for a while every 16 MiB (`stallEvery`), and
 * the download fails once no byte has arrived for `stallMs`. Each chunk goes to `onChunk` and is
 * not kept, so a test's own memory stays flat however large the body.
 */
export function slowDownload(url: string, onChunk: (chunk: Buffer) => void, stallMs: number): Promise<SlowDownload> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const req = httpRequest(url, { agent: false }, (res) => {
      res.on('data', (chunk: Buffer) => {
        onChunk(chunk);
        bytes += chunk.length;
        stallEvery(res, bytes - chunk.length, bytes);
      });
      res.on('end', () => {
        unwatch();
        resolve({ status: res.statusCode!, headers: res.headers, complete: res.complete, bytes });
      });
      res.on('error', reject);
    });
    const unwatch = failWhenStalled(() => bytes, stallMs, (err) => {
      req.destroy();
      reject(err);
    });
    req.on('error', reject);
    req.end();
  });
}

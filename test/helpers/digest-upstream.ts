import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Harness } from './harness.js';

/** The hex SHA-256 of `bytes`, to compare bodies without printing megabytes when they differ. */
export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * An upstream that answers GET with `download`, and any other request with `<bytes received>
 * <their SHA-256>`, hashing as the body arrives (it holds none of it); with
 * `reportContentLength`, then ` <the Content-Length it was sent, or none>`.
 */
export function digestingUpstream(
  h: Harness,
  download: Buffer,
  options: { reportContentLength?: boolean } = {},
): Promise<{ url: string }> {
  return h.upstream((req, res) => {
    if (req.method === 'GET') return void res.end(download);
    const hash = createHash('sha256');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      length += chunk.length;
    });
    req.on('end', () => {
      const digest = `${length} ${hash.digest('hex')}`;
      res.end(options.reportContentLength ? `${digest} ${req.headers['content-length'] ?? 'none'}` : digest);
    });
  });
}

/** `bytes` as a stream of `parts` pieces of near equal length: an upload the client writes in many parts. */
export function inParts(bytes: Buffer, parts: number): Readable {
  return Readable.from(Array.from({ length: parts }, (_, i) => bytes.subarray((i * bytes.length) / parts, ((i + 1) * bytes.length) / parts)));
}

import { connect } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, IncomingHttpStatusHeader, OutgoingHttpHeaders } from 'node:http2';
import type { Readable } from 'node:stream';

/** An HTTP/2 answer, the body collected, with the chunks as they arrived. */
export interface H2Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders & IncomingHttpStatusHeader;
  readonly body: Buffer;
  readonly chunks: number;
}

/** An HTTP/2 session (ALPN h2) to `url`, verified against `ca` (tests only). */
export function h2Session(url: string, ca: string, servername = 'localhost'): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const session = connect(url, { ca, servername });
    session.once('connect', () => resolve(session));
    session.once('error', reject);
  });
}

/** One request on `session`; rejects on a stream error (a reset, with its code in the message). */
export function h2Request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  body?: Buffer | string | Readable,
  onData?: (chunk: Buffer) => void,
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    const chunks: Buffer[] = [];
    let answer: H2Response['headers'] | undefined;
    stream.once('response', (h) => (answer = h));
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      onData?.(chunk);
    });
    stream.once('end', () => resolve({ status: Number(answer?.[':status']), headers: answer!, body: Buffer.concat(chunks), chunks: chunks.length }));
    stream.once('error', reject);
    stream.once('close', () => {
      if (stream.rstCode && stream.rstCode !== 0) reject(new Error(`stream reset with code ${stream.rstCode}`));
    });
    if (typeof body === 'string' || Buffer.isBuffer(body)) stream.end(body);
    else body?.pipe(stream);
  });
}

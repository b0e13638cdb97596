import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderField } from '../protocol/index.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import { relayableTrailers } from '../http/trailer-fields.js';

/**
 * Ends the request body on the stream with the client's trailer fields (available once the
 * body ended), when the connection negotiated `trailers`; otherwise as a plain end.
 */
export function endRequestBody(req: IncomingMessage, stream: TunnelStream): void {
  stream.endWithTrailers(relayableTrailers(rawPairs(req.rawTrailers)));
}

/**
 * Cluster hop: has the client's request trailers go to the other node at the end of the body
 * `up` carries, which must be chunked for them to travel (RFC 9112 §7.1.2). Call it before the
 * body is piped: its `'end'` listener must run before the pipe ends `up`.
 */
export function relayRequestTrailers(req: IncomingMessage, up: ClientRequest): void {
  req.once('end', () => {
    const fields = relayableTrailers(rawPairs(req.rawTrailers));
    if (fields.length > 0) up.addTrailers(fields);
  });
}

/**
 * Cluster hop: gives the client the trailers of the other node's answer. Call it before the
 * answer is piped to `res`, so that they are added before the pipe ends the response.
 */
export function relayResponseTrailers(answer: IncomingMessage, res: ServerResponse): void {
  answer.once('end', () => passResponseTrailers(res, rawPairs(answer.rawTrailers)));
}

/**
 * Gives the client the backend's trailer fields with the end of the response. On HTTP/1.1
 * they travel only in a chunked body (RFC 9112 §7.1.2): Node writes them there and drops them
 * from a body framed by `Content-Length` or sent to an HTTP/1.0 client, which is what RFC 9110
 * §6.5 allows (a recipient may discard trailers). They are sent whatever the request's `TE`:
 * `TE: trailers` (§10.1.4) says a client keeps them, not that others must not be sent one. A
 * field Node refuses to write drops them all rather than failing a response that is complete.
 */
export function passResponseTrailers(res: ServerResponse, trailers: readonly HeaderField[] | undefined): void {
  if (!trailers) return;
  const fields = relayableTrailers(trailers);
  if (fields.length === 0) return;
  try {
    res.addTrailers(fields);
  } catch {
    // relayableTrailers already leaves out what Node would refuse; nothing else to do here
  }
}

/** Node's raw `[name, value, name, value, …]` as pairs. */
export function rawPairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

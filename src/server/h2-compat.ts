import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { http1RequestFields, http2HeadText, http2ResponseFields } from '../http/http2-fields.js';
import { sendErrorPage } from '../proxy/error-page.js';
import { ProxyError } from '../proxy/proxy-errors.js';
import { requestIdFor } from '../http/request-id.js';

/**
 * Node's HTTP/2 compatibility objects made to behave, for the proxy, like the HTTP/1.1 request
 * and response they stand for, so that one `ProxyService` serves both versions. They are
 * changed in place (own properties shadow the prototype's), since the proxy keeps and listens
 * on the objects the server gave it:
 *
 * - `rawHeaders`: the HTTP/1.1 fields (no pseudo-header fields; `:authority` as `Host`; one
 *   `Cookie`), which is what the exchange forwards and reports; `headers.host` the same host,
 *   which is what the request is routed on.
 * - `writeHead`: no reason phrase (HTTP/2 has none), no connection-specific fields (RFC 9113
 *   §8.2.2; Node would throw), and the head kept as text in `_header`, as Node's HTTP/1.1
 *   response has it, for the exchange report and the inspector.
 * - `destroyed`, which the proxy checks on a response and Node's compat object lacks, and
 *   `writableFinished` true only for a response the proxy ended (not one the client reset).
 * - `addTrailers` takes `[name, value]` pairs too, as HTTP/1.1's does (the compat one reads
 *   only an object, and would send a pair list's indexes as field names).
 * - `endWithHead` (see head-only-response.ts): the head and the end of the response as one
 *   HEADERS frame with END_STREAM; gRPC clients read a status there ("trailers-only") only then.
 *
 * @returns the refusal to answer when the request cannot be served at all, else undefined
 */
export function adaptHttp2(req: Http2ServerRequest, res: Http2ServerResponse, maxHeaderBytes: number): ProxyError | undefined {
  adaptResponse(res);
  // The bound of an HTTP/1.1 head, counted as its lines would be (`name: value` and CRLF).
  // SETTINGS_MAX_HEADER_LIST_SIZE announces it; Node does not hold clients to it.
  if (headBytes(req.rawHeaders) > maxHeaderBytes) return new ProxyError('headers_too_large', `more than ${maxHeaderBytes} bytes`);
  // A CONNECT (extended CONNECT too: WebSockets over HTTP/2 are not offered, RFC 8441) has no
  // :path; clients open WebSockets over HTTP/1.1 instead.
  if (req.method === 'CONNECT') return new ProxyError('connect_not_supported');
  const view = http1RequestFields(req.rawHeaders);
  if (typeof view === 'string') return new ProxyError('bad_request', view);
  // RFC 9113 §8.3.1: a request to an http or https URI carries :authority or Host.
  if (view.host === undefined) return new ProxyError('bad_request', 'no :authority or Host');
  Object.defineProperty(req, 'rawHeaders', { value: view.fields, writable: true, configurable: true });
  req.headers.host = view.host;
  return undefined;
}

/** Answers a request {@link adaptHttp2} refused; the stream ends with the answer. */
export function refuseHttp2(req: Http2ServerRequest, res: Http2ServerResponse, error: ProxyError): void {
  const id = requestIdFor(req.headers['x-request-id']);
  sendErrorPage(res as unknown as ServerResponse, error, id);
}

/** The objects as the proxy's types name them, once adapted. */
export function asHttp1(req: Http2ServerRequest, res: Http2ServerResponse): { req: IncomingMessage; res: ServerResponse } {
  return { req: req as unknown as IncomingMessage, res: res as unknown as ServerResponse };
}

function adaptResponse(res: Http2ServerResponse): void {
  // Node 20 takes a raw list here at run time; its types know only the object form.
  const writeHead = res.writeHead as unknown as (status: number, fields: string[]) => void;
  Object.defineProperty(res, 'writeHead', {
    configurable: true,
    writable: true,
    // (status), (status, fields) or (status, reason, fields): the reason is dropped.
    value(status: number, ...rest: unknown[]): Http2ServerResponse {
      const given = rest.at(-1);
      const raw = given === undefined || typeof given === 'string' ? [] : rawOf(given as string[] | OutgoingHttpHeaders);
      const fields = http2ResponseFields(raw);
      writeHead.call(res, status, fields);
      Object.defineProperty(res, '_header', { value: http2HeadText(status, fields), writable: true, configurable: true });
      return res;
    },
  });
  Object.defineProperty(res, 'destroyed', { configurable: true, get: () => res.stream.destroyed });
  // Node's compat object reports its stream's writableFinished, which is true too when the client
  // reset the stream mid-response: the proxy would take a cancelled call for a finished one and
  // leave the backend's stream open. Finished means ended by the proxy, and sent.
  Object.defineProperty(res, 'writableFinished', { configurable: true, get: () => res.writableEnded && res.stream.writableFinished });
  const addTrailers = res.addTrailers.bind(res);
  Object.defineProperty(res, 'addTrailers', {
    configurable: true,
    writable: true,
    value(fields: OutgoingHttpHeaders | ReadonlyArray<readonly [string, string]>): void {
      addTrailers(Array.isArray(fields) ? pairsObject(fields as ReadonlyArray<readonly [string, string]>) : (fields as OutgoingHttpHeaders));
    },
  });
  Object.defineProperty(res, 'endWithHead', {
    configurable: true,
    writable: true,
    // Node's compat end() sends a head not yet sent with END_STREAM; it writes that head through
    // writeHead(statusCode) (the adapted one above), which gets the fields from here.
    value(status: number, fields: string[]): void {
      const adapted = res.writeHead as unknown as (code: number, raw: string[]) => Http2ServerResponse;
      Object.defineProperty(res, 'writeHead', { configurable: true, writable: true, value: (code: number) => adapted.call(res, code, fields) });
      res.statusCode = status;
      try {
        res.end();
      } finally {
        Object.defineProperty(res, 'writeHead', { configurable: true, writable: true, value: adapted });
      }
    },
  });
}

/** Pairs as a field object, a repeated name's values as a list (Node sends each). */
function pairsObject(fields: ReadonlyArray<readonly [string, string]>): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of fields) {
    const key = name.toLowerCase();
    const had = out[key];
    out[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return out;
}

function headBytes(raw: readonly string[]): number {
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) bytes += raw[i]!.length + raw[i + 1]!.length + 4;
  return bytes;
}

function rawOf(fields: string[] | OutgoingHttpHeaders): string[] {
  if (Array.isArray(fields)) return fields;
  const raw: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) raw.push(name, String(one));
  }
  return raw;
}

/**
 * What changes in a message's fields between HTTP/2 (the client's side of the TLS port) and the
 * HTTP/1.1 message the tunnel and the backend see. Raw form, `[name, value, name, value, …]`.
 */

/** The request's fields as an HTTP/1.1 request carries them, and the host it names. */
export interface Http1Fields {
  readonly fields: string[];
  /** `:authority`, else `Host`; undefined when the request names neither. */
  readonly host: string | undefined;
}

/**
 * Fields that are specific to one connection: an HTTP/2 message must not carry them (RFC 9113
 * §8.2.2), and Node refuses to send them.
 */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * An HTTP/2 request's header list as HTTP/1.1 fields: pseudo-header fields (`:method`, `:path`,
 * `:scheme`, `:authority`) removed, `:authority` carried as `Host` (RFC 9113 §8.3.1), and the
 * cookie-pairs an HTTP/2 client may split across several `Cookie` fields joined into one, as
 * RFC 9113 §8.2.3 requires before a request goes to an HTTP/1.1 hop.
 * @returns the fields, or the reason the request is malformed: a `Host` that names another
 *   entity than `:authority` (RFC 9113 §8.3.1), or several `Host` fields
 */
export function http1RequestFields(raw: readonly string[]): Http1Fields | string {
  const fields: string[] = [];
  let authority: string | undefined;
  let host: string | undefined;
  let cookieAt = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    if (name.startsWith(':')) {
      if (name === ':authority') authority = value;
      continue;
    }
    const lower = name.toLowerCase();
    if (lower === 'host') {
      if (host !== undefined) return 'more than one Host field';
      host = value;
    }
    if (lower === 'cookie') {
      if (cookieAt >= 0) {
        fields[cookieAt + 1] += `; ${value}`;
        continue;
      }
      cookieAt = fields.length;
    }
    fields.push(name, value);
  }
  if (authority === undefined) return { fields, host };
  if (host === undefined) return { fields: ['Host', authority, ...fields], host: authority };
  if (host.toLowerCase() !== authority.toLowerCase()) return 'Host and :authority name different hosts';
  return { fields, host };
}

/** Response fields an HTTP/2 response may carry: the connection-specific ones removed. */
export function http2ResponseFields(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!CONNECTION_SPECIFIC.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

/**
 * The response head as text, in the form Node serializes an HTTP/1.1 one (`HTTP/2 200`, no
 * reason phrase: HTTP/2 has none), for the exchange report and the inspector.
 */
export function http2HeadText(status: number, raw: readonly string[]): string {
  let text = `HTTP/2 ${status}\r\n`;
  for (let i = 0; i < raw.length; i += 2) text += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return `${text}\r\n`;
}

/**
 * Whether a request object came from an HTTP/2 stream (Node's compatibility API, on the TLS
 * port, adapted by server/h2-compat.ts); an HTTP/1 request line that says `HTTP/2.0` did not.
 */
export function isHttp2Request(req: { readonly httpVersionMajor: number }): boolean {
  return req.httpVersionMajor === 2 && (req as { stream?: unknown }).stream !== undefined;
}

/**
 * Whether an HTTP/2 request without `Content-Length` has a body: HTTP/2 frames one in DATA
 * frames, so there is one unless its HEADERS frame ended the stream. Undefined for HTTP/1.
 */
export function http2HasBody(req: { readonly httpVersionMajor: number }): boolean | undefined {
  if (!isHttp2Request(req)) return undefined;
  return !(req as { stream?: { endAfterHeaders?: boolean } }).stream!.endAfterHeaders;
}

/**
 * Whether a request has a body, HTTP/1.1 or HTTP/2. Node's HTTP/1.1 parser has already rejected
 * requests with both framing fields or malformed ones.
 */
export function requestHasBody(req: { readonly httpVersionMajor: number; readonly headers: Readonly<Record<string, string | string[] | undefined>> }): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return http2HasBody(req) ?? req.headers['transfer-encoding'] !== undefined;
}

/**
 * Fields a trailer section must not carry on: RFC 9110 §6.5.1 lists what may not be sent in
 * trailers (message framing, routing, request modifiers, authentication, response control
 * data, and the fields that say how to process the content), because a recipient reads them
 * from the header section only and a proxy that merged them would change the message's
 * meaning. The hop-by-hop fields (§7.6.1) go too: they describe one connection, not the message.
 */
const NOT_IN_TRAILERS: ReadonlySet<string> = new Set([
  // framing and hop-by-hop
  'content-length',
  'transfer-encoding',
  'trailer',
  'te',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  // routing and request modifiers
  'host',
  'expect',
  'max-forwards',
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'if-range',
  'cache-control',
  'pragma',
  // authentication
  'authorization',
  'proxy-authorization',
  'www-authenticate',
  'proxy-authenticate',
  'set-cookie',
  'cookie',
  // response control data and content processing
  'age',
  'expires',
  'date',
  'location',
  'retry-after',
  'vary',
  'content-encoding',
  'content-type',
  'content-range',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// A field value as HTTP/1.1 may carry it (RFC 9110 §5.5): no CR, LF or NUL, nor other controls.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Whether a field can be written on HTTP/1.1 as it is (a token name, a value with no CR/LF/NUL). */
export function writableField(name: string, value: string): boolean {
  return TOKEN.test(name) && FIELD_VALUE.test(value);
}

/**
 * The trailer fields a proxy passes on, in their order and spelling: the ones RFC 9110 §6.5.1
 * allows in trailers and that can be written as they are; the rest are dropped, never merged
 * into the header section (RFC 9112 §7.1.2).
 */
export function relayableTrailers(fields: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of fields) {
    if (NOT_IN_TRAILERS.has(name.toLowerCase()) || !writableField(name, value)) continue;
    out.push([name, value]);
  }
  return out;
}

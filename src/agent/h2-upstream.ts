import { connect as h2Connect, constants } from 'node:http2';
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, IncomingHttpStatusHeader, OutgoingHttpHeaders } from 'node:http2';
import { ResetCode } from '../protocol/index.js';
import type { HeaderField, RequestHead } from '../protocol/index.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';
import type { OwnedUpstream } from './local-upstream.js';
import type { ExchangeRecord } from './upstream-relay.js';
import { expectsContinue } from './continue-relay.js';

// Fields that describe one HTTP/1.1 connection: an HTTP/2 request must not carry them
// (RFC 9113 §8.2.2). `Host` becomes `:authority`; `TE` is this hop's own (added below).
const CONNECTION_FIELDS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'host',
  'te',
]);

const NO_BODY_STATUS = new Set([204, 304]);

/** The upstream's HTTP/2 session, and whether it ever connected (then a request may have arrived). */
interface UpstreamSession {
  readonly session: ClientHttp2Session;
  connected(): boolean;
}

/**
 * An upstream spoken to over HTTP/2: prior knowledge (h2c) for `http://`, TLS with ALPN `h2`
 * for `https://`. gRPC needs it: its status travels in trailers, which HTTP/1.1 upstreams
 * reached through undici cannot be sent. One session serves every request; a closed one is
 * replaced on the next request.
 */
export function h2Upstream(base: string): OwnedUpstream {
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`upstream must be an http:// or https:// URL, got ${base}`);
  }
  const origin = url.origin;
  let current: UpstreamSession | undefined;
  const session = (): UpstreamSession => {
    if (current && !current.session.closed && !current.session.destroyed) return current;
    const opened = h2Connect(origin);
    let connected = false;
    const made: UpstreamSession = { session: opened, connected: () => connected };
    current = made;
    opened.once('connect', () => (connected = true));
    // A session's failure reaches each of its streams as theirs; here it only must not throw.
    opened.on('error', () => undefined);
    opened.once('close', () => {
      if (current === made) current = undefined;
    });
    return made;
  };
  return {
    relay: (tunnel, stream, head, onDone) => relayOverH2(tunnel, stream, head, url.protocol.slice(0, -1), session(), onDone),
    close: async () => {
      const open = current?.session;
      current = undefined;
      if (!open || open.destroyed) return;
      await new Promise<void>((resolve) => {
        open.close(() => resolve());
        // Streams still open after the agent's grace period are cut.
        setImmediate(() => open.destroy());
      });
    },
  };
}

/** The tunnel's request head as HTTP/2 request fields. */
export function h2RequestHeaders(head: RequestHead, scheme: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { ':method': head.method, ':path': head.target, ':scheme': scheme };
  const host = head.headers.find(([name]) => name.toLowerCase() === 'host');
  if (host) out[':authority'] = host[1];
  for (const [raw, value] of head.headers) {
    const name = raw.toLowerCase();
    if (CONNECTION_FIELDS.has(name) || name.startsWith(':')) continue;
    addField(out, name, value);
  }
  // gRPC servers require it; it says that this hop (the agent) takes trailers, which it does.
  out.te = 'trailers';
  return out;
}

/** Trailer fields for `sendTrailers`: lower-case, without pseudo or connection fields. */
export function h2TrailerFields(fields: readonly HeaderField[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [raw, value] of fields) {
    const name = raw.toLowerCase();
    if (CONNECTION_FIELDS.has(name) || name.startsWith(':')) continue;
    addField(out, name, value);
  }
  return out;
}

/** HTTP/2 response or trailer fields as the tunnel's pairs, pseudo-fields left out. */
export function fieldsFromH2(headers: Readonly<Record<string, string | string[] | number | undefined>>): HeaderField[] {
  const out: HeaderField[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) out.push([name, String(one)]);
  }
  return out;
}

function addField(out: OutgoingHttpHeaders, name: string, value: string): void {
  const had = out[name];
  if (had === undefined) out[name] = value;
  else if (name === 'cookie') out[name] = `${String(had)}; ${value}`; // RFC 9113 §8.2.3 allows either
  else out[name] = [...(Array.isArray(had) ? had : [String(had)]), value];
}

/**
 * Relays one tunnel stream over an HTTP/2 stream of the upstream's session: request head,
 * body and trailers in; response head, body and trailers out, with backpressure both ways. As
 * on HTTP/1.1, a failure resets the tunnel stream (unreachable when the session never opened,
 * so that the proxy may try elsewhere).
 */
function relayOverH2(
  tunnel: TunnelConnection,
  stream: TunnelStream,
  head: RequestHead,
  scheme: string,
  { session, connected }: UpstreamSession,
  onDone: (record: ExchangeRecord) => void,
): void {
  const started = performance.now();
  let status = 0;
  let bytes = 0;
  let finished = false;
  const finish = (error?: string): void => {
    if (finished) return;
    finished = true;
    onDone({ method: head.method, target: head.target, status, ms: performance.now() - started, error, bytes });
  };
  if (head.headers.some(([name]) => name.toLowerCase() === 'upgrade')) {
    stream.reset(ResetCode.UpstreamError, 'an HTTP/2 upstream takes no HTTP/1.1 upgrade');
    return finish('upgrade refused');
  }
  let req: ClientHttp2Stream;
  try {
    const endStream = stream.remoteEnded && stream.readableLength === 0;
    req = session.request(h2RequestHeaders(head, scheme), { endStream, waitForTrailers: !endStream });
  } catch (err) {
    stream.reset(ResetCode.UpstreamError, (err as Error).message);
    return finish((err as Error).message);
  }
  stream.on('error', (err) => {
    if (!req.destroyed) req.close(constants.NGHTTP2_CANCEL);
    finish(err.message);
  });
  let responseEnded = false;
  const fail = (message: string): void => {
    // After a whole response, a failure (the rest of a request body refused) changes nothing.
    if (stream.destroyed || responseEnded) return finish(message);
    stream.reset(status === 0 && !connected() ? ResetCode.UpstreamUnreachable : ResetCode.UpstreamError, message);
    finish(message);
  };

  // Request body, then its trailers once the upstream asks for them (after the last DATA).
  req.on('wantTrailers', () => {
    const fields = h2TrailerFields(stream.trailers ?? []);
    req.sendTrailers(fields);
  });
  // The body goes up as the client sends it, also while a 100 is awaited: the client, not the
  // agent, waits for it (docs/protocol.md §5.4.1).
  if (!req.writableEnded) stream.pipe(req);

  const expecting = expectsContinue(head);
  let continued = false;
  req.on('headers', (headers: IncomingHttpHeaders & IncomingHttpStatusHeader) => {
    const code = Number(headers[':status']);
    // docs/protocol.md §5.4; a 100 answers only a request that expected one (§5.4.1).
    if (code === 100) continued = true;
    if (code === 100 && !expecting) return;
    if (code >= 100 && code < 200) tunnel.sendInterimHead(stream, { status: code, reason: '', headers: fieldsFromH2(headers) });
  });
  req.on('response', (headers, flags) => {
    status = Number(headers[':status']);
    // Refused before it was invited: what the client still sends is dropped, never sent up.
    if (expecting && !continued && !req.writableEnded) {
      stream.unpipe(req);
      stream.resume();
    }
    // END_STREAM on the head: nothing follows, not even trailers (gRPC's "trailers-only").
    const ended = (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0;
    const bodiless = ended || head.method === 'HEAD' || NO_BODY_STATUS.has(status);
    if (stream.destroyed) return;
    tunnel.sendResponseHead(stream, { status, reason: '', headers: fieldsFromH2(headers) }, bodiless);
    if (bodiless) {
      req.resume();
      return;
    }
    stream.on('drain', () => req.resume());
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (!stream.write(chunk)) req.pause();
    });
  });
  let trailers: HeaderField[] = [];
  req.on('trailers', (headers) => (trailers = fieldsFromH2(headers)));
  req.on('end', () => {
    if (status === 0) return;
    responseEnded = true;
    if (!stream.writableEnded && !stream.destroyed) stream.endWithTrailers(trailers);
    finish();
  });
  req.on('error', (err) => fail(err.message));
  req.on('close', () => {
    // Closed by the upstream (RST_STREAM, a lost session) before the response ended.
    if (!finished && !req.readableEnded) fail(`upstream stream closed (code ${req.rstCode})`);
  });
}

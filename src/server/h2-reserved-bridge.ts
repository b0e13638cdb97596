import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { Duplex } from 'node:stream';
import { endToEnd } from '../http/hop-by-hop.js';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves `/_harp/*` requests that came over HTTP/2 with Express, which works only on Node's
 * HTTP/1.1 objects (it swaps their prototype). Each request crosses an in-process HTTP/1.1
 * hop: no port, no TCP, a pair of streams between an `http.request` and a private `node:http`
 * server whose handler is Express. The server-side stream reports the client's real address
 * and `encrypted`, so the admin API's loopback rule and `req.protocol` judge the real client.
 * Only the control plane goes this way; public requests are served by the proxy directly.
 */
export class ReservedOverHttp2 {
  private readonly server: Server;

  constructor(handler: RequestHandler) {
    this.server = createServer({ requireHostHeader: false }, handler);
  }

  serve(req: Http2ServerRequest, res: Http2ServerResponse): void {
    const [client, server] = streamPair(req.socket.remoteAddress, req.socket.remotePort);
    this.server.emit('connection', server);
    const up = request({
      createConnection: () => client as never,
      method: req.method,
      path: req.url,
      // Adapted already: HTTP/1.1 fields, Host first.
      headers: req.rawHeaders,
      setHost: false,
    });
    up.once('response', (answer) => {
      // Adapted (h2-compat.ts): takes the raw list and drops connection-specific fields.
      const out = res as unknown as ServerResponse;
      out.writeHead(answer.statusCode ?? 502, endToEnd(answer.rawHeaders));
      // An event stream (the dashboard's) goes out as it is produced.
      if (answer.headers['content-length'] === undefined) out.flushHeaders();
      answer.pipe(out);
      answer.once('aborted', () => res.stream.destroy());
    });
    up.once('error', () => res.stream.destroy());
    res.once('close', () => {
      up.destroy();
      server.destroy();
    });
    req.pipe(up);
  }
}

/** Two duplex streams joined back to back: what one writes, the other reads. */
function streamPair(remoteAddress: string | undefined, remotePort: number | undefined): [Duplex, Duplex] {
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, done) {
        peer().push(chunk);
        done();
      },
      final(done) {
        peer().push(null);
        done();
      },
    });
  const client: Duplex = make(() => server);
  const server: Duplex = make(() => client);
  Object.assign(server, { remoteAddress, remotePort, encrypted: true });
  client.once('close', () => server.destroy());
  server.once('close', () => client.destroy());
  return [client, server];
}

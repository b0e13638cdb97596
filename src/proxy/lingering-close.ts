import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as h2 } from 'node:http2';
import type { ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import { isHttp2Request } from '../http/http2-fields.js';

/**
 * Limits of one lingering close; whichever is reached first closes the connection. The proxy
 * takes them from its configuration (`lingeringTimeoutMs`, `lingeringTimeMs`,
 * `lingeringMaxBytes`), where their defaults are.
 */
export interface LingerOptions {
  /**
   * Close once no byte arrived for this long. A client that has read the answer stops within a
   * round trip or two, and what it had in flight arrives within a few more; 2 s covers that on
   * slow paths (nginx's `lingering_timeout` is 5 s) without holding a stalled client long.
   */
  readonly idleMs: number;
  /**
   * Close after this long however the client behaves. nginx's `lingering_time` is 30 s; a proxy
   * in front of many backends keeps less, since each lingering connection costs a socket.
   */
  readonly maxMs: number;
  /**
   * Close once more than this many bytes were discarded. What an honest client still has in
   * flight after it stops is bounded by the TCP buffers on the path (a few MiB with Linux's
   * autotuning); 64 MiB is far beyond that, and stops a client that keeps sending at full speed
   * from costing more than 64 MiB of reads per connection.
   */
  readonly maxBytes: number;
}

/** Sockets armed or lingering: a second call for the same connection changes nothing. */
const armed = new WeakSet<Socket>();

/** Lingering sockets by the server that accepted them, so that its shutdown can end them. */
const lingering = new WeakMap<object, Set<Socket>>();

/**
 * Ends the lingering of every connection `server` accepted, at once: a server that is closing
 * waits for its connections, and a lingering one would hold it for up to `maxMs`.
 */
export function endLingering(server: object): void {
  const sockets = lingering.get(server);
  if (!sockets) return;
  for (const socket of sockets) socket.destroy();
  sockets.clear();
}

/**
 * Marks `res` as the connection's last response; if its request is still arriving, the close
 * lingers ({@link lingerOnClose}) so that the client reads the answer rather than a reset.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse, limits: LingerOptions): void {
  res.shouldKeepAlive = false;
  lingerOnClose(req, res, limits);
}

/**
 * Closes the connection of a response sent before its request had fully arrived the way
 * nginx's lingering close does (RFC 9112 §9.6): after the response, a FIN, then the client's
 * bytes are read and dropped until it closes its side, goes quiet, or a limit is reached.
 *
 * Closing a socket with unread bytes in its receive buffer makes the kernel send a reset
 * instead of a FIN, and throw away whatever of the response it had not transmitted yet; a
 * client still uploading then sees ECONNRESET or EPIPE instead of the answer.
 *
 * Call it when the proxy decides the connection closes after this response (sets
 * `res.shouldKeepAlive = false`), before the response ends. Does nothing if the request
 * already arrived whole, the response has ended, or the connection is already armed.
 */
export function lingerOnClose(req: IncomingMessage, res: ServerResponse, limits: LingerOptions): void {
  if (isHttp2Request(req)) return stopStreamAfter(req);
  const socket = req.socket as Socket | null;
  if (req.complete || res.writableFinished || !socket || socket.destroyed || armed.has(socket)) return;
  armed.add(socket);
  // Node's server ends a response marked last (`Connection: close`) in resOnFinish with
  // `socket.destroySoon()`: end, then destroy as soon as the FIN is written. Shadowing that
  // method on this one socket keeps Node's own order (the response written, the request
  // detached from the socket) and changes only what follows the FIN. A 'finish' listener on
  // `res` could not stop the destroy that destroySoon has already scheduled by then.
  const destroySoon = (): void => {
    restore();
    linger(socket, limits);
  };
  const restore = (): void => {
    res.removeListener('close', disarm);
    if (socket.destroySoon === destroySoon) delete (socket as Partial<Pick<Socket, 'destroySoon'>>).destroySoon;
  };
  // The response closed without ending the connection (destroyed, or kept alive after all).
  const disarm = (): void => {
    restore();
    armed.delete(socket);
  };
  socket.destroySoon = destroySoon;
  res.once('close', disarm);
}

/**
 * For a response that begins while its request body is still arriving (an echo, an upload
 * answered as it streams, a backend that answers without reading): the connection stays alive
 * when the body has arrived whole by the time the response ends, and otherwise closes then,
 * lingering as {@link lingerOnClose} does. The head announces keep-alive; a client still sending its body
 * cannot have sent a next request, so the close races with none. A connection that closes after
 * this response anyway, and HTTP/2, are left to {@link closeAfterResponse}. Not for a body that
 * may never come (an `Expect: 100-continue` answered without a 100): there the head must say
 * that the connection closes, or the next request could be read as the body.
 */
export function closeIfStillArriving(req: IncomingMessage, res: ServerResponse, limits: LingerOptions): void {
  if (isHttp2Request(req) || !res.shouldKeepAlive) return closeAfterResponse(req, res, limits);
  const socket = req.socket as Socket | null;
  if (req.complete || !socket || socket.destroyed || armed.has(socket)) return;
  res.once('finish', () => {
    // Node's own 'finish' listener has run: the response is out and the connection kept.
    if (req.complete || socket.destroyed || armed.has(socket)) return;
    armed.add(socket);
    linger(socket, limits);
  });
}

/**
 * HTTP/2's lingering close: the connection is the session's, shared with other streams, and
 * stays; only this stream stops. Once the response is complete the client is asked to stop
 * sending without error, RST_STREAM NO_ERROR (RFC 9113 §8.1), and flow control bounds what it
 * had in flight.
 */
function stopStreamAfter(req: IncomingMessage): void {
  const stream = (req as unknown as { stream: ServerHttp2Stream }).stream;
  // The client's END_STREAM, whether or not the proxy read up to it (`complete` needs that).
  const clientDone = (): boolean => req.complete || stream.endAfterHeaders || stream.state.remoteClose === 1;
  if (stream.closed || clientDone()) return;
  // The stream's own writable side says when the answer is out. The compatibility response's
  // 'finish' comes only with the stream's close, which a client still sending never brings; and
  // Node closes such a stream by itself only when nobody began reading its body, while the
  // proxy has (piping it to a backend). After a turn, as Node's own close does.
  stream.once('finish', () =>
    setImmediate(() => {
      if (!stream.closed && !clientDone()) stream.close(h2.NGHTTP2_NO_ERROR);
    }),
  );
}

/** The FIN, then the client's bytes read and dropped until one of `limits` closes the socket. */
function linger(socket: Socket, limits: LingerOptions): void {
  // The client has closed its side already, so nothing is left to read: Node's own close.
  if (socket.readableEnded) return socket.destroySoon();
  if (socket.writable) socket.end();
  // The bytes are read here, not drained through Node's parser and `req`: after a response
  // announcing close no further request on the connection may be processed (RFC 9112 §9.6),
  // and the parser would hand a pipelined one to the proxy. The socket's 'data' listeners are
  // the server's, which feed that parser (the proxy reads requests through `req`); adding ours
  // also makes the server stop its parser reading the socket's handle directly.
  for (const listener of socket.listeners('data')) socket.removeListener('data', listener as (chunk: Buffer) => void);
  let discarded = 0;
  const close = (): void => void socket.destroy();
  // Unref'd, so that they alone never keep a stopping process alive; the open socket does,
  // but only until they fire.
  const idle = setTimeout(close, limits.idleMs).unref();
  const deadline = setTimeout(close, limits.maxMs).unref();
  const drop = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > limits.maxBytes) return close();
    idle.refresh();
  };
  const cleanup = (): void => {
    clearTimeout(idle);
    clearTimeout(deadline);
    socket.removeListener('data', drop);
    socket.removeListener('end', close);
  };
  const server = (socket as Socket & { server?: object }).server;
  if (server) {
    let sockets = lingering.get(server);
    if (!sockets) lingering.set(server, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }
  socket.on('data', drop);
  // The client's FIN: everything it sent was read, so closing now sends no reset.
  socket.once('end', close);
  socket.once('close', cleanup);
  socket.resume();
  // A socket the parser paused (its request unread) has its handle stopped, and Node's stream
  // state still counts the read the parser took over as pending, so `resume()` alone would not
  // restart it; `_read` asks the handle to read again, or does nothing if it already reads.
  socket._read(0);
}

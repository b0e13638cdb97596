import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { InFlightSlots } from '../http/in-flight-slots.js';
import { isReservedUrl } from '../http/reserved-prefix.js';

/**
 * The work a shutdown waits for on one HTTP server, and the connection handling Node's
 * `server.close()` leaves out.
 *
 * Node 20's `close()` stops accepting and closes the connections idle at that moment, but a
 * response still being written after it says `Connection: keep-alive` and its connection then
 * stays open until the keep-alive timeout; a connection that never sent a request stays open
 * for good (the headers-timeout sweep stops with the listener). So: once closing, every
 * response not yet started gets `Connection: close`, a connection that goes idle after the
 * listener closed is closed, and what is left at the end is closed by {@link closeAll}.
 *
 * Waited for: public requests until their response closes, public WebSockets until their
 * socket closes. Requests under `/_harp/` are answered while their connection lasts but not
 * waited for: the dashboard's event stream would hold every shutdown for its whole timeout.
 */
export class InFlight {
  // Slots, not a Set: a Set's outgrown tables would keep finished responses alive (in-flight-slots.ts).
  private readonly responses = new InFlightSlots<ServerResponse>();
  private readonly tunnels = new Set<Duplex>();
  private closing = false;
  private listenerClosed = false;
  private idle: Array<() => void> = [];

  constructor(private readonly server: Server) {
    // Before the app's own listener: `Connection: close` must be decided before a head is written.
    server.prependListener('request', this.onRequest);
    // Only where someone listens: a listener here would stop Node from answering 100-continue.
    if (server.listenerCount('checkContinue') > 0) server.prependListener('checkContinue', this.onRequest);
    // Only where upgrades are taken: without a listener Node refuses them itself.
    if (server.listenerCount('upgrade') > 0) server.on('upgrade', this.onUpgrade);
  }

  /** Public requests and WebSockets still open. */
  get count(): number {
    let requests = 0;
    for (const res of this.responses.values()) if (!isReservedUrl(res.req.url)) requests++;
    return requests + this.tunnels.size;
  }

  /** From now on no connection is kept alive past the response it is writing. */
  beginClosing(): void {
    this.closing = true;
    for (const res of this.responses.values()) if (!res.headersSent) res.shouldKeepAlive = false;
  }

  /** Stops accepting connections; idle ones close now, busy ones once their response is done. */
  stopListening(): void {
    this.listenerClosed = true;
    if (this.server.listening) this.server.close();
    this.server.closeIdleConnections();
  }

  /** Resolves `true` once nothing is in flight, `false` if `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Ends whatever is still in flight, at once; returns how many were cut. */
  cut(): number {
    const cut = this.count;
    for (const res of [...this.responses.values()]) if (!isReservedUrl(res.req.url)) res.destroy();
    for (const socket of this.tunnels) socket.destroy();
    return cut;
  }

  /** Closes every HTTP connection left (agents' and public WebSockets are not HTTP any more). */
  closeAll(): void {
    this.server.closeAllConnections();
  }

  /** Stops watching the server (the app is gone, or it was a test's). */
  detach(): void {
    this.server.off('request', this.onRequest);
    this.server.off('checkContinue', this.onRequest);
    this.server.off('upgrade', this.onUpgrade);
  }

  private readonly onRequest = (_req: IncomingMessage, res: ServerResponse): void => {
    if (this.closing) res.shouldKeepAlive = false;
    const slot = this.responses.add(res);
    res.once('close', () => {
      this.responses.remove(slot);
      this.settled();
      // The connection is idle only once Node has finished with the response (next tick).
      if (this.listenerClosed) setImmediate(() => this.server.closeIdleConnections());
    });
  };

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex): void => {
    if (isReservedUrl(req.url)) return; // an agent: closed by the registration, after the drain
    this.tunnels.add(socket);
    socket.once('close', () => {
      this.tunnels.delete(socket);
      this.settled();
    });
  };

  private settled(): void {
    if (this.idle.length === 0 || this.count > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}

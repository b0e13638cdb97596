import { Logger } from '@nestjs/common';
import { constants } from 'node:http2';
import type { Http2SecureServer, ServerHttp2Session, ServerHttp2Stream } from 'node:http2';
import { RateBudget } from '../http/rate-budget.js';
import { HTTP2_LIMITS } from './h2-limits.js';

/** How long a session told to calm down (GOAWAY) has before its connection is closed. */
const CALM_CLOSE_DELAY_MS = 250;

/**
 * Watches every HTTP/2 session of the TLS port: closes it with GOAWAY ENHANCE_YOUR_CALM when
 * the client floods it with stream resets, SETTINGS or PINGs past their budgets
 * ({@link HTTP2_LIMITS}), and with a plain GOAWAY when it has had no open stream for
 * `idleMs`. Knows the sessions, so that the shutdown can close them (see {@link closeSessions}).
 */
export class Http2SessionGuard {
  private readonly log = new Logger('HTTP/2');
  readonly sessions = new Set<ServerHttp2Session>();

  constructor(
    server: Http2SecureServer,
    private readonly idleMs: number,
  ) {
    server.on('session', (session: ServerHttp2Session) => this.watch(session));
  }

  /**
   * Graceful (`destroy` false): GOAWAY, no new stream, the open ones finish. Else every
   * session is ended at once.
   */
  closeSessions(destroy: boolean): void {
    for (const session of this.sessions) {
      if (destroy) session.destroy();
      else session.close();
    }
  }

  private watch(session: ServerHttp2Session): void {
    this.sessions.add(session);
    const limits = HTTP2_LIMITS;
    const resets = new RateBudget(limits.resetBurst, limits.resetsPerSecond);
    const settings = new RateBudget(limits.settingsBurst, limits.settingsPerSecond);
    const pings = new RateBudget(limits.pingBurst, limits.pingsPerSecond);
    let calmed = false;
    const calm = (what: string): void => {
      if (calmed || session.destroyed) return;
      calmed = true;
      this.log.warn(`session from ${session.socket?.remoteAddress ?? '?'} closed: ${what} past its limit`);
      // GOAWAY first, the connection closed a moment later: closing a socket with the flood
      // still unread makes the kernel reset it and drop the GOAWAY unsent. Meanwhile no new
      // stream is taken (RFC 9113 §6.8) and the frames read are discarded.
      session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
      // Node takes the code alone (its types do not know that form): `destroy(undefined, code)`
      // would send NO_ERROR, its default first argument.
      const destroy = session.destroy.bind(session) as unknown as (code: number) => void;
      setTimeout(() => destroy(constants.NGHTTP2_ENHANCE_YOUR_CALM), CALM_CLOSE_DELAY_MS).unref();
    };
    let open = 0;
    // Unref'd: an idle client must not keep a stopping process alive. A new timer each time:
    // refresh() does not re-arm a cleared one.
    let idle: NodeJS.Timeout | undefined;
    const arm = (): void => void (idle = setTimeout(() => session.close(), this.idleMs).unref());
    arm();
    session.on('stream', (stream: ServerHttp2Stream) => {
      // The idle timer counts only while no stream is open.
      if (open++ === 0) clearTimeout(idle);
      stream.once('close', () => {
        // Reset (by either side: Node does not say which), or closed before the answer ended.
        // A HEADERS and its RST_STREAM read together close the stream before the proxy sees it;
        // the rapid reset's cost is the streams opened, whatever the code it resets them with.
        if ((stream.rstCode !== constants.NGHTTP2_NO_ERROR || !stream.writableEnded) && !resets.take()) calm('stream resets');
        if (--open === 0 && !session.closed) arm();
      });
    });
    session.on('remoteSettings', () => {
      if (!settings.take()) calm('SETTINGS frames');
    });
    session.on('ping', () => {
      if (!pings.take()) calm('PING frames');
    });
    // A session error is the client's; the session is destroyed by Node, nothing to rethrow.
    session.on('error', () => undefined);
    session.once('close', () => {
      clearTimeout(idle);
      this.sessions.delete(session);
    });
  }
}

import { Logger } from '@nestjs/common';
import { createSecureServer as createHttp2SecureServer } from 'node:http2';
import type { Http2SecureServer } from 'node:http2';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import type { SecureContext } from 'node:tls';
import { ConfigError } from '../config/index.js';
import type { HarpConfig } from '../config/index.js';
import { watchDirectories } from './certificate-watcher.js';
import { certificatePairs, loadCertificates } from './tls-certificates.js';
import type { CertificateSet } from './tls-certificates.js';
import { http2ServerOptions } from './h2-limits.js';
import { Http2SessionGuard } from './h2-session-guard.js';

/**
 * The one place the HTTPS server is made: HTTP/2 and HTTP/1.1 on one port, chosen by ALPN
 * (`h2`, `http/1.1`; a client that offers neither gets HTTP/1.1). HTTP/1.1 connections are
 * node:http's own (`IncomingMessage`, `ServerResponse`, the same events and limits as the plain
 * port); HTTP/2 streams come as Node's compatibility objects, adapted in `h2-compat.ts`.
 *
 * Typed as an HTTPS server, which is what everything attached to it uses: `request`,
 * `checkContinue`, `upgrade`, `clientError`, and the connection methods the shutdown calls,
 * which this function makes cover HTTP/2 sessions too.
 */
export function createSecureServer(config: HarpConfig, options: ServerOptions): HttpsServer {
  const server = createHttp2SecureServer({ ...options, ...http2ServerOptions(config) });
  // With allowHTTP1, node:http's parser reads these from the server, not from the options.
  Object.assign(server, {
    maxHeaderSize: options.maxHeaderSize,
    headersTimeout: options.headersTimeout,
    requestTimeout: options.requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    connectionsCheckingInterval: options.connectionsCheckingInterval,
  });
  const guard = new Http2SessionGuard(server, options.keepAliveTimeout ?? 5000);
  closingSessionsToo(server, guard);
  return server as unknown as HttpsServer;
}

/**
 * Node's HTTP/2 server closes HTTP/1.1 connections only, and has no `closeAllConnections`: the
 * shutdown's calls also send every session GOAWAY (idle ones: its open streams finish), or end
 * them (all).
 */
function closingSessionsToo(server: Http2SecureServer, guard: Http2SessionGuard): void {
  // Present at run time with allowHTTP1 (node:http's own), absent from the types.
  const http1 = server as unknown as { closeIdleConnections(): void };
  const closeIdle = http1.closeIdleConnections.bind(server);
  Object.assign(server, {
    closeIdleConnections: () => {
      closeIdle();
      guard.closeSessions(false);
    },
    closeAllConnections: () => {
      closeIdle();
      guard.closeSessions(true);
    },
  });
}

/** The HTTPS listener's server and its certificates, reloaded when their files change. */
export class TlsListener {
  private readonly log = new Logger('TLS');
  private current: CertificateSet;
  private watcher?: { close(): void };
  readonly server: HttpsServer;

  /**
   * @param certificates loaded at start-up ({@link loadCertificates}), so that a bad file stops
   *   start-up before anything listens
   * @param serverOptions the data plane's HTTP options (limits, timeouts), shared with the plain port
   */
  constructor(
    private readonly config: HarpConfig,
    certificates: CertificateSet,
    serverOptions: ServerOptions,
  ) {
    this.current = certificates;
    this.server = createSecureServer(config, {
      ...serverOptions,
      ...certificates.defaultOptions,
      // The slowloris guard of the headers starts once the handshake is done: this one is before.
      handshakeTimeout: config.headersTimeoutMs,
      // Asked on every handshake that names a server: the contexts of the moment, so a reload
      // needs nothing more for new handshakes; established connections keep theirs.
      SNICallback: (servername, done) => done(null, this.contextFor(servername)),
    });
  }

  /** Starts watching the certificate files. */
  watch(): void {
    const files = certificatePairs(this.config).flatMap((pair) => [pair.certFile, pair.keyFile]);
    this.watcher = watchDirectories(files, () => this.reload());
    for (const line of this.current.summary) this.log.log(`serving ${line}`);
  }

  /**
   * Reads the files again; if they changed and all of them are valid, new handshakes use them.
   * A file that cannot be read or parsed is logged and the certificates in use are kept.
   * @returns whether new certificates are in use
   */
  reload(): boolean {
    let next: CertificateSet;
    try {
      next = loadCertificates(this.config);
    } catch (err) {
      const why = err instanceof ConfigError ? err.problems.join('; ') : (err as Error).message;
      this.log.warn(`certificates not reloaded, the ones in use are kept: ${why}`);
      return false;
    }
    if (next.digest === this.current.digest) return false;
    // The default context answers clients that send no name or one no entry matches.
    this.server.setSecureContext(next.defaultOptions);
    this.current = next;
    for (const line of next.summary) this.log.log(`reloaded: serving ${line}`);
    return true;
  }

  close(): void {
    this.watcher?.close();
  }

  // Undefined: the server's default context.
  private contextFor(servername: string): SecureContext | undefined {
    const index = this.current.index.select(servername);
    return index === undefined ? undefined : this.current.contexts[index];
  }
}

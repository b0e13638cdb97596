import { Logger } from '@nestjs/common';
import { createServer } from 'node:https';
import type { Server as HttpsServer, ServerOptions } from 'node:https';
import type { SecureContext } from 'node:tls';
import { ConfigError } from '../config/index.js';
import type { HarpConfig } from '../config/index.js';
import { watchDirectories } from './certificate-watcher.js';
import { certificatePairs, loadCertificates } from './tls-certificates.js';
import type { CertificateSet } from './tls-certificates.js';

/**
 * The one place the HTTPS server is made. HTTP/2 will be `http2.createSecureServer({ ...options,
 * allowHTTP1: true })` here, with ALPN; everything else (certificates, reload, what is attached
 * to the server) stays as it is.
 */
export function createSecureServer(options: ServerOptions): HttpsServer {
  return createServer(options);
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
    this.server = createSecureServer({
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

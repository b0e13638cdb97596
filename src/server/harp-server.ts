import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { QuietBootLogger } from '../logging/quiet-boot-logger.js';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { setupHarpOpenApi } from '../admin/openapi.js';
import { HarpConfig, loadHarpConfig } from '../config/index.js';
import type { LoadHarpConfigOptions } from '../config/index.js';
import { HarpModule } from '../harp.module.js';
import { HarpLoggingModule } from '../logging/logging.module.js';
import { ProxyService } from '../proxy/proxy.service.js';
import { RegistrationService } from '../registration/registration.service.js';
import { ShutdownService } from '../shutdown/shutdown.service.js';
import { DataPlaneAdapter, dataPlaneServerOptions } from './data-plane-adapter.js';
import { HarpWsAdapter } from './harp-ws-adapter.js';
import { httpsLocation } from './https-redirect.js';
import { loadCertificates } from './tls-certificates.js';
import type { CertificateSet } from './tls-certificates.js';
import { TlsListener } from './tls-listener.js';

/** Options of {@link startHarpServer}. */
export interface HarpServerOptions extends LoadHarpConfigOptions {
  /**
   * Nest's logger, or `false` for silence (tests). Unset: structured logs through pino (JSON,
   * or pretty on a terminal; see `docs/observability.md`). Set, HARP installs no pino output.
   */
  readonly logger?: LoggerService | LogLevel[] | false;
  /** Where pino's lines go instead of stdout, when `logger` is unset (tests capture them). */
  readonly logDestination?: DestinationStream;
}

/** A running standalone proxy. */
export interface HarpServer {
  readonly app: INestApplication;
  readonly config: HarpConfig;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The HTTPS port actually bound, with `tlsCert` and `tlsKey`. */
  readonly tlsPort?: number;
  /** `https://127.0.0.1:<tlsPort>`, with `tlsCert` and `tlsKey`. */
  readonly tlsUrl?: string;
  /**
   * Reads the certificate files again now, as a change to them does by itself (SIGHUP in
   * `harp serve`): for file systems whose changes are not reported.
   * @returns whether new certificates are in use (false without TLS, without a change, or with
   *   a broken file, which is logged)
   */
  reloadCertificates(): boolean;
  close(): Promise<void>;
}

/** Starts the standalone proxy: Nest for `/_harp/*`, the data plane straight on `node:http`. */
export async function startHarpServer(options: HarpServerOptions = {}): Promise<HarpServer> {
  const config = loadHarpConfig(options);
  // Read before anything starts: a certificate that cannot be used stops start-up here.
  const certificates = config.tlsCert === undefined ? undefined : loadCertificates(config);
  const adapter = new DataPlaneAdapter(config);
  const pinoLogs = options.logger === undefined;
  const harp = HarpModule.forRoot({ config });
  const app = await NestFactory.create(pinoLogs ? withLogging(harp, options.logDestination) : harp, adapter, {
    bodyParser: false,
    ...(pinoLogs ? { bufferLogs: true } : { logger: options.logger }),
  });
  if (pinoLogs) app.useLogger(new QuietBootLogger(app.get(PinoNestLogger)));
  const ws = new HarpWsAdapter(app);
  app.useWebSocketAdapter(ws);
  // Before listen: its Express routes must precede the controllers, catch-all included.
  setupHarpOpenApi(app);
  const proxy = app.get(ProxyService);
  adapter.setDataPlane((req, res) => proxy.handle(req, res));
  const shutdown = app.get(ShutdownService);
  adapter.setDrain(() => shutdown.drain());
  await app.init();
  let tls: TlsListener | undefined;
  try {
    // Before the plain port listens, so that its redirect knows the HTTPS port from the start.
    if (certificates) tls = await listenTls(config, certificates, { adapter, ws, shutdown });
    await app.listen(config.port, config.host);
  } catch (err) {
    tls?.close();
    await app.close();
    throw err;
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const tlsPort = tls && (tls.server.address() as AddressInfo).port;
  // The URLs agents are told name the ports bound, not 0.
  app.get(RegistrationService).listening({ port, ...(tlsPort === undefined ? {} : { tlsPort }) });
  return {
    app,
    config,
    port,
    url: `http://127.0.0.1:${port}`,
    ...(tlsPort === undefined ? {} : { tlsPort, tlsUrl: `https://127.0.0.1:${tlsPort}` }),
    reloadCertificates: () => tls?.reload() ?? false,
    close: async () => {
      await app.close();
      tls?.close();
    },
  };
}

/**
 * The HTTPS listener, serving what the plain port serves: the same request handling, the same
 * upgrade dispatch (agents and public WebSockets), drained by the same shutdown.
 */
async function listenTls(
  config: HarpConfig,
  certificates: CertificateSet,
  app: { adapter: DataPlaneAdapter; ws: HarpWsAdapter; shutdown: ShutdownService },
): Promise<TlsListener> {
  const tls = new TlsListener(config, certificates, dataPlaneServerOptions(config));
  app.adapter.serveAlso(tls.server);
  app.ws.serveUpgradesOn(tls.server);
  // After the listeners above: the shutdown's watch looks at which events are taken.
  app.shutdown.watch(tls.server);
  await new Promise<void>((resolve, reject) => {
    tls.server.once('error', reject);
    tls.server.listen(config.tlsPort, config.host, () => {
      tls.server.off('error', reject);
      resolve();
    });
  });
  tls.watch();
  if (config.httpRedirect) {
    const port = (tls.server.address() as AddressInfo).port;
    app.adapter.redirectTo(port);
    app.ws.redirectUpgrades((req) => httpsLocation(req.url, req.headers.host, port));
  }
  return tls;
}

/** The standalone server's root module: HARP, then its logging (which needs HARP's providers). */
@Module({})
class HarpServerModule {}

function withLogging(harp: DynamicModule, destination: DestinationStream | undefined): DynamicModule {
  return { module: HarpServerModule, imports: [harp, HarpLoggingModule.forRoot({ destination })] };
}

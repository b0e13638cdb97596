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
import { ShutdownService } from '../shutdown/shutdown.service.js';
import { DataPlaneAdapter } from './data-plane-adapter.js';
import { HarpWsAdapter } from './harp-ws-adapter.js';

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
  close(): Promise<void>;
}

/** Starts the standalone proxy: Nest for `/_harp/*`, the data plane straight on `node:http`. */
export async function startHarpServer(options: HarpServerOptions = {}): Promise<HarpServer> {
  const config = loadHarpConfig(options);
  const adapter = new DataPlaneAdapter(config);
  const pinoLogs = options.logger === undefined;
  const harp = HarpModule.forRoot({ config });
  const app = await NestFactory.create(pinoLogs ? withLogging(harp, options.logDestination) : harp, adapter, {
    bodyParser: false,
    ...(pinoLogs ? { bufferLogs: true } : { logger: options.logger }),
  });
  if (pinoLogs) app.useLogger(new QuietBootLogger(app.get(PinoNestLogger)));
  app.useWebSocketAdapter(new HarpWsAdapter(app));
  // Before listen: its Express routes must precede the controllers, catch-all included.
  setupHarpOpenApi(app);
  const proxy = app.get(ProxyService);
  adapter.setDataPlane((req, res) => proxy.handle(req, res));
  const shutdown = app.get(ShutdownService);
  adapter.setDrain(() => shutdown.drain());
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, config, port, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The standalone server's root module: HARP, then its logging (which needs HARP's providers). */
@Module({})
class HarpServerModule {}

function withLogging(harp: DynamicModule, destination: DestinationStream | undefined): DynamicModule {
  return { module: HarpServerModule, imports: [harp, HarpLoggingModule.forRoot({ destination })] };
}

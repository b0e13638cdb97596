import { NestFactory } from '@nestjs/core';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { HarpConfig, loadHarpConfig } from '../config/index.js';
import type { LoadHarpConfigOptions } from '../config/index.js';
import { HarpModule } from '../harp.module.js';
import { ProxyService } from '../proxy/proxy.service.js';
import { DataPlaneAdapter } from './data-plane-adapter.js';
import { HarpWsAdapter } from './harp-ws-adapter.js';

/** Options of {@link startHarpServer}. */
export interface HarpServerOptions extends LoadHarpConfigOptions {
  /** Nest's logger, or `false` for silence (tests). */
  readonly logger?: LoggerService | LogLevel[] | false;
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
  const app = await NestFactory.create(HarpModule.forRoot({ config }), adapter, {
    bodyParser: false,
    logger: options.logger ?? levelsFrom(config.logLevel),
  });
  app.useWebSocketAdapter(new HarpWsAdapter(app));
  const proxy = app.get(ProxyService);
  adapter.setDataPlane((req, res) => proxy.handle(req, res));
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, config, port, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function levelsFrom(level: HarpConfig['logLevel']): LogLevel[] {
  const order: LogLevel[] = ['debug', 'log', 'warn', 'error', 'fatal'];
  const start = { debug: 0, info: 1, warn: 2, error: 3 }[level];
  return order.slice(start);
}

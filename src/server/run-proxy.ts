// Decorator metadata before any Nest module is evaluated: every entry point reaches Nest here.
import 'reflect-metadata';
import { ShutdownSignal } from '@nestjs/common';
import { ConfigError } from '../config/index.js';
import type { LoadHarpConfigOptions } from '../config/index.js';
import { printBanner } from './banner.js';
import { startHarpServer } from './harp-server.js';
import type { HarpServer } from './harp-server.js';
import { exitOnSecondSignal } from './shutdown-signals.js';

const SHUTDOWN_SIGNALS = Object.values(ShutdownSignal).filter((signal) => signal !== ShutdownSignal.SIGHUP);

/** Options of {@link runProxy}. */
export interface RunProxyOptions extends LoadHarpConfigOptions {
  /**
   * Print the start-up banner; a worker of several leaves it to the primary, which prints one.
   * @default true
   */
  readonly banner?: boolean;
}

/** Starts the proxy for a person at a terminal: banner on success, one line on bad config. */
export async function runProxy(options: RunProxyOptions = {}): Promise<HarpServer> {
  try {
    const server = await startHarpServer(options);
    // Nest would re-raise the signal once closed, and the process would die of it: exit 0
    // instead, after the drain (docs/operations.md, "Stopping the proxy"). Every signal Nest
    // knows but SIGHUP, which asks for the certificates again (below), not for a shutdown.
    server.app.enableShutdownHooks(SHUTDOWN_SIGNALS, { useProcessExit: true });
    exitOnSecondSignal();
    // What certbot's deploy hook and most init systems send to ask for renewed certificates.
    process.on('SIGHUP', () => server.reloadCertificates());
    if (options.banner !== false) printBanner(server.config, server.port, server.tlsPort);
    return server;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`harp: ${err.message}\n`);
    process.exit(1);
  }
}

import { ConfigError } from '../config/index.js';
import type { LoadHarpConfigOptions } from '../config/index.js';
import { printBanner } from './banner.js';
import { startHarpServer } from './harp-server.js';
import { exitOnSecondSignal } from './shutdown-signals.js';

/** Starts the proxy for a person at a terminal: banner on success, one line on bad config. */
export async function runProxy(options: LoadHarpConfigOptions = {}): Promise<void> {
  try {
    const server = await startHarpServer(options);
    // Nest would re-raise the signal once closed, and the process would die of it: exit 0
    // instead, after the drain (docs/operations.md, "Stopping the proxy").
    server.app.enableShutdownHooks([], { useProcessExit: true });
    exitOnSecondSignal();
    // What certbot's deploy hook and most init systems send to ask for renewed certificates.
    process.on('SIGHUP', () => server.reloadCertificates());
    printBanner(server.config, server.port, server.tlsPort);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`harp: ${err.message}\n`);
    process.exit(1);
  }
}

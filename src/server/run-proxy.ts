import { ConfigError } from '../config/index.js';
import type { LoadHarpConfigOptions } from '../config/index.js';
import { printBanner } from './banner.js';
import { startHarpServer } from './harp-server.js';

/** Starts the proxy for a person at a terminal: banner on success, one line on bad config. */
export async function runProxy(options: LoadHarpConfigOptions = {}): Promise<void> {
  try {
    const server = await startHarpServer(options);
    server.app.enableShutdownHooks();
    printBanner(server.config, server.port);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`harp: ${err.message}\n`);
    process.exit(1);
  }
}

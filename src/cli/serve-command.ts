import 'reflect-metadata';
import { runProxy } from '../server/run-proxy.js';
import type { CliIo } from './cli-io.js';

/**
 * `harp serve`: the standalone proxy, as `npm start` runs it. Loaded on demand, because it is
 * the only command that needs Nest. It never resolves: the proxy runs until SIGINT or SIGTERM,
 * which Nest's shutdown hooks answer by closing it and ending the process.
 */
export async function runServe(io: CliIo): Promise<never> {
  await runProxy({ env: io.env });
  return new Promise<never>(() => undefined);
}

import { launchProxy } from '../server/launch.js';
import type { CliIo } from './cli-io.js';
import type { ServeCommand } from './parse-args.js';

/**
 * `harp serve`: the standalone proxy, as `npm start` runs it; `--workers N` stands for
 * `HARP_WORKERS=N`. Loaded on demand, because it is the only command that needs Nest. It never
 * resolves: the proxy runs until SIGINT or SIGTERM, which its shutdown answers by closing it
 * and ending the process (with several workers, the primary ends once they have).
 */
export async function runServe(command: ServeCommand, io: CliIo): Promise<never> {
  const env = command.workers === undefined ? io.env : { ...io.env, HARP_WORKERS: String(command.workers) };
  await launchProxy(env);
  return new Promise<never>(() => undefined);
}

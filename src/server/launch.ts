import cluster from 'node:cluster';
import { ConfigError } from '../config/config.error.js';
import { loadHarpConfig } from '../config/config.loader.js';
import { growthLeftToUs, heapFlagsToSet, sizeHeap, SMALL_YOUNG_GENERATION } from './heap-sizing.js';
import { keepOldGenerationHeadroom } from './old-generation.js';
import { capYoungGeneration } from './young-generation.js';

/**
 * Starts the standalone proxy as `npm start` and `harp serve` do: one process, or with
 * `workers` above 1 a primary that forks that many (`workers.ts`). node:cluster starts each
 * worker as this same entry point, so this is also where a worker becomes a proxy.
 *
 * Nest is loaded only where a proxy runs: the primary reads the configuration and forks, no more.
 * Resolves once the proxy serves; in the primary it never resolves.
 */
export async function launchProxy(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  sizeHeap(); // before Nest loads: loading it is what grows the young generation
  if (cluster.isWorker) {
    const { runWorker } = await import('./worker-process.js');
    await runWorker(env);
    return serveWithHeapSizing();
  }
  const config = orExit(() => loadHarpConfig({ env }));
  if (config.workers > 1) {
    const { runWorkers } = await import('./workers.js');
    return orExit(() => runWorkers(config, env));
  }
  const { runProxy } = await import('./run-proxy.js');
  await runProxy({ env });
  serveWithHeapSizing();
}

/**
 * Once the proxy serves, its young generation may grow to a cap and its old generation keeps
 * room for body buffers above its live size, each unless the operator sized it.
 */
function serveWithHeapSizing(): void {
  if (heapFlagsToSet(process.execArgv, process.env.NODE_OPTIONS).includes(SMALL_YOUNG_GENERATION)) capYoungGeneration();
  if (growthLeftToUs()) keepOldGenerationHeadroom();
}

/** A configuration that cannot start: one line, status 1, as `runProxy` does. */
function orExit<T>(use: () => T): T {
  try {
    return use();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`harp: ${err.message}\n`);
    process.exit(1);
  }
}


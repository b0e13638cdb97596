import { ConfigError } from '../config/config.error.js';
import type { HarpConfig } from '../config/harp-config.js';

/** The longest node id the configuration accepts (`NODE_ID_PATTERN` in `cluster.fields.ts`). */
const MAX_NODE_ID_LENGTH = 64;
const MAX_PORT = 65535;

/** One worker of `harp serve --workers N`: its slot (1…N) and what its environment adds. */
export interface WorkerSlot {
  readonly index: number;
  readonly nodeId: string;
  /** `HARP_*` variables set on top of the primary's environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** What the primary needs of the configuration to plan its workers. */
export type WorkerPlanConfig = Pick<HarpConfig, 'workers' | 'nodeId' | 'clusterPort' | 'clusterUrl' | 'key' | 'generatedKey'>;

/**
 * The workers of one proxy, each a full cluster node (docs/cluster.md, "Workers"):
 *
 * - node id `<nodeId>-w<i>`: the configured or generated id of the whole proxy, then the slot;
 *   a worker started again in the same slot keeps it, so its record replaces the dead one's at
 *   once instead of lingering in the directory for three heartbeats;
 * - its own internal listener: `clusterPort` 0 lets each pick a free port, and a fixed
 *   `clusterPort` P gives worker i the port P + i − 1 (P…P+N−1 must fit), so that a firewall
 *   rule can name the range;
 * - `clusterUrl` is refused: it names one listener and there are N; each worker derives its own;
 * - a key the loader generated is handed to every worker, so that one key is accepted on the
 *   whole port, whichever worker an agent's connection lands on.
 *
 * @throws ConfigError naming the key that does not fit several workers
 */
export function planWorkers(config: WorkerPlanConfig): WorkerSlot[] {
  const { workers, nodeId, clusterPort, clusterUrl } = config;
  const problems: string[] = [];
  const longest = `${nodeId}-w${workers}`;
  if (longest.length > MAX_NODE_ID_LENGTH) {
    const room = MAX_NODE_ID_LENGTH - `-w${workers}`.length;
    problems.push(`nodeId (HARP_NODE_ID): with ${workers} workers each takes the id "<nodeId>-w<i>", which must fit ${MAX_NODE_ID_LENGTH} characters: use at most ${room}`);
  }
  if (clusterPort !== 0 && clusterPort + workers - 1 > MAX_PORT) {
    problems.push(`clusterPort (HARP_CLUSTER_PORT): ${workers} workers listen on ${clusterPort}…${clusterPort + workers - 1}, past ${MAX_PORT}: use at most ${MAX_PORT - workers + 1}, or 0 for free ports`);
  }
  if (clusterUrl !== undefined) {
    problems.push(`clusterUrl (HARP_CLUSTER_URL): names one internal listener, and each of the ${workers} workers has its own; leave it unset (each worker derives its URL from clusterHost and its port)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Array.from({ length: workers }, (_, i) => {
    const index = i + 1;
    const id = `${nodeId}-w${index}`;
    const env: Record<string, string> = { HARP_NODE_ID: id };
    if (clusterPort !== 0) env.HARP_CLUSTER_PORT = String(clusterPort + i);
    if (config.generatedKey && config.key !== undefined) env.HARP_KEY = config.key;
    return { index, nodeId: id, env };
  });
}

/** First delay before a dead worker is started again; it doubles with each quick death. */
export const RESTART_BASE_MS = 100;
/** The longest wait between two starts of a worker that keeps dying. */
export const RESTART_MAX_MS = 10_000;
/** A worker that served this long before dying is started again after the base delay. */
export const STABLE_AFTER_MS = 30_000;

/**
 * The wait before starting a dead worker again: 100 ms, doubling with each death in a row to
 * 10 s. A crash loop (a port taken, a bad deploy) then costs a start every 10 s, not a busy loop,
 * while a worker that dies once after serving for a while is back at once.
 * @param deathsInARow deaths of this slot since it last served {@link STABLE_AFTER_MS}, this one included (≥ 1)
 */
export function restartDelayMs(deathsInARow: number): number {
  return Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** Math.max(0, deathsInARow - 1));
}

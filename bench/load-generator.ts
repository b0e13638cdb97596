// Which load generator a bench drives its GETs with: wrk when it is installed (a C client with
// its own threads), else autocannon in the bench's own process, whose ratios are then optimistic.
import { runLoad, type LoadResult } from './measure.js';
import { runWrk, wrkAvailable } from './wrk.js';

export interface GetLoad {
  url: string;
  connections: number;
  seconds: number;
  /** The body size; responses smaller than this on average make the run suspect. */
  bodyBytes: number;
}

export interface LoadGenerator {
  name: 'wrk' | 'autocannon';
  run(load: GetLoad): Promise<LoadResult>;
  /** Why the figures are less trustworthy, when they are. */
  warning?: string;
}

export const AUTOCANNON_WARNING =
  'wrk is not installed: autocannon runs in the bench\'s own process, a JavaScript client on the same cores, which caps ' +
  'the direct runs more than the proxied ones, so the ratios are optimistic. For trustworthy ratios: apt-get install -y wrk';

export function chooseLoadGenerator(hasWrk = wrkAvailable()): LoadGenerator {
  return hasWrk ? { name: 'wrk', run: runWrk } : { name: 'autocannon', run: runLoad, warning: AUTOCANNON_WARNING };
}

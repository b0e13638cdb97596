import { ConfigError } from '../config/config.error.js';
import { planWorkers, restartDelayMs, RESTART_MAX_MS } from './worker-plan.js';
import type { WorkerPlanConfig } from './worker-plan.js';

const BASE: WorkerPlanConfig = { workers: 3, nodeId: 'edge-1', clusterPort: 0, clusterUrl: undefined, key: 'k-0123456789', generatedKey: false };

function problems(config: Partial<WorkerPlanConfig>): readonly string[] {
  try {
    planWorkers({ ...BASE, ...config });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('planWorkers accepted it');
}

describe('planWorkers', () => {
  it('gives each worker the node id <nodeId>-w<i> and nothing else by default', () => {
    expect(planWorkers(BASE)).toEqual([
      { index: 1, nodeId: 'edge-1-w1', env: { HARP_NODE_ID: 'edge-1-w1' } },
      { index: 2, nodeId: 'edge-1-w2', env: { HARP_NODE_ID: 'edge-1-w2' } },
      { index: 3, nodeId: 'edge-1-w3', env: { HARP_NODE_ID: 'edge-1-w3' } },
    ]);
  });

  it('offsets a fixed clusterPort by the slot', () => {
    expect(planWorkers({ ...BASE, clusterPort: 7000 }).map((w) => w.env.HARP_CLUSTER_PORT)).toEqual(['7000', '7001', '7002']);
    expect(planWorkers({ ...BASE, clusterPort: 65533 }).map((w) => w.env.HARP_CLUSTER_PORT)).toEqual(['65533', '65534', '65535']);
  });

  it('hands a generated key to every worker, and a configured one to none', () => {
    expect(planWorkers({ ...BASE, generatedKey: true }).map((w) => w.env.HARP_KEY)).toEqual(['k-0123456789', 'k-0123456789', 'k-0123456789']);
    expect(planWorkers(BASE).every((w) => !('HARP_KEY' in w.env))).toBe(true);
  });

  it.each([
    [{ clusterPort: 65534 }, /^clusterPort \(HARP_CLUSTER_PORT\): 3 workers listen on 65534…65536, past 65535: use at most 65533, or 0/],
    [{ clusterUrl: 'http://edge-1:7000' }, /^clusterUrl \(HARP_CLUSTER_URL\): names one internal listener, and each of the 3 workers has its own/],
    [{ nodeId: 'n'.repeat(62) }, /^nodeId \(HARP_NODE_ID\): with 3 workers each takes the id "<nodeId>-w<i>", which must fit 64 characters: use at most 61$/],
  ])('refuses %j', (config, message) => {
    expect(problems(config)).toEqual([expect.stringMatching(message)]);
  });

  it('accepts a node id that fits with the longest suffix', () => {
    expect(planWorkers({ ...BASE, workers: 10, nodeId: 'n'.repeat(60) })[9]!.nodeId).toHaveLength(64);
  });

  it('lists every problem at once', () => {
    expect(problems({ clusterPort: 65535, clusterUrl: 'http://x:1', nodeId: 'n'.repeat(64) })).toHaveLength(3);
  });
});

describe('restartDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [7, 6400],
    [8, RESTART_MAX_MS],
    [50, RESTART_MAX_MS],
  ])('after %d death(s) in a row waits %d ms', (deaths, ms) => {
    expect(restartDelayMs(deaths)).toBe(ms);
  });
});

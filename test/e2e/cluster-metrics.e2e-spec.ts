import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// In a cluster, every series a node exports says which node it comes from (label `node`); a
// single proxy's output has no such label.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';

/** The `node` label of every HARP sample, as a set. */
async function nodeLabels(proxy: HarpServer): Promise<Set<string | undefined>> {
  const families = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
  const labels = new Set<string | undefined>();
  for (const [name, family] of families) {
    if (!name.startsWith('harp_')) continue;
    for (const sample of family.samples) labels.add(sample.labels.node);
  }
  return labels;
}

describe('metrics of a single proxy', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('carry no node label', async () => {
    expect([...(await nodeLabels(await h.proxy({ nodeId: 'solo' })))]).toEqual([undefined]);
  });
});

describeRedis('metrics of cluster nodes', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-metrics');
  afterEach(() => h.closeAll());

  const node = (nodeId: string, overrides: Partial<HarpConfigInput> = {}) =>
    h.proxy({ clusterSecret: SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: 100, ...overrides });

  it('carry the node id on every series', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    expect([...(await nodeLabels(a))]).toEqual(['node-a']);
    expect([...(await nodeLabels(b))]).toEqual(['node-b']);
  });
});

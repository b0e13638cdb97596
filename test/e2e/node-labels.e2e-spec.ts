import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi } from '../helpers/admin-api.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// Metrics, live stats and the inspector stay per node, labelled with the node's id: in a
// cluster every series a node exports carries `node`; a single proxy's metrics have no such
// label, while its stats and inspector name the node either way.

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

  it('carry no node label; stats and the inspector name the node', async () => {
    const proxy = await h.proxy({ nodeId: 'solo' });
    expect([...(await nodeLabels(proxy))]).toEqual([undefined]);
    expect((await adminApi(proxy, 'GET', '/stats')).json.node).toBe('solo');
    expect((await adminApi(proxy, 'GET', '/inspector/requests')).json.node).toBe('solo');
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
    expect([(await adminApi(a, 'GET', '/stats')).json.node, (await adminApi(b, 'GET', '/stats')).json.node]).toEqual(['node-a', 'node-b']);
  });
});

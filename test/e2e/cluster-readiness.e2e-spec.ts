import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { closedPort } from '../helpers/ports.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// Readiness in cluster mode (docs/cluster.md, "While Redis is away"): a node cut off from Redis
// is still ready, degraded, and says so; `?strict` makes it not ready. Liveness never changes.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';

async function json(url: string) {
  const res = await send(url);
  return { status: res.status, body: JSON.parse(res.body.toString()) };
}

describe('readiness of a cluster node without Redis', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is 200 degraded with the cluster and Redis down; ?strict is 503; healthz is 200', async () => {
    const proxy = await h.proxy({
      clusterSecret: SECRET,
      redisUrl: `redis://127.0.0.1:${await closedPort()}`,
      nodeId: 'cut-off',
      clusterHeartbeatMs: 100,
    });
    const ready = await json(`${proxy.url}/_harp/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'degraded',
      info: {
        proxy: expect.objectContaining({ status: 'up' }),
        redis: { status: 'degraded', configured: true, message: expect.any(String) },
        cluster: { status: 'degraded', configured: true, nodeId: 'cut-off', nodes: 1, message: expect.stringContaining('last knew') },
      },
      error: {},
      details: expect.objectContaining({ cluster: expect.objectContaining({ status: 'degraded' }) }),
    });

    for (const strict of ['?strict', '?strict=1', '?strict=true']) {
      const res = await json(`${proxy.url}/_harp/readyz${strict}`);
      expect([strict, res.status, res.body.status]).toEqual([strict, 503, 'error']);
      expect(res.body.error).toMatchObject({ redis: { status: 'down' }, cluster: { status: 'down', nodeId: 'cut-off' } });
    }
    expect((await json(`${proxy.url}/_harp/readyz?strict=false`)).status).toBe(200);
    expect((await send(`${proxy.url}/_harp/healthz`)).status).toBe(200);
  });

  it('outside cluster mode there is no directory to check', async () => {
    const proxy = await h.proxy();
    const res = await json(`${proxy.url}/_harp/readyz?strict`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', details: { cluster: { status: 'up', configured: false } } });
  });
});

describeRedis('readiness of a cluster node with Redis', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-readiness');
  afterEach(() => h.closeAll());

  it('is 200 ok, strict or not, once the node is written to the directory', async () => {
    const proxy = await h.proxy({ clusterSecret: SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId: 'joined', clusterHeartbeatMs: 100 });
    // The first write may still be on its way when the proxy has started.
    await eventually(async () => (await json(`${proxy.url}/_harp/readyz?strict`)).status === 200, 3000, 'the first write');
    const res = await json(`${proxy.url}/_harp/readyz`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { redis: { status: 'up', configured: true }, cluster: { status: 'up', configured: true, nodeId: 'joined', nodes: 1 } },
    });
  });
});

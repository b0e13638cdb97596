import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { sendTls } from '../helpers/tls-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';

// The hop between nodes is plain HTTP on the internal listener; the scheme the client used
// travels in X-Harp-Forwarded-Proto (docs/cluster.md, "Forwarding").

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

describeRedis('cluster mode: a request that came over TLS', () => {
  const h = new Harness();
  const scratch = redisScratch('tls-cluster');
  const tls = tlsSuite(h);
  afterEach(() => h.closeAll());

  it('reaches the backend of another node with X-Forwarded-Proto: https', async () => {
    const node = clusterNodes(h, scratch);
    const edge = await node('tls-edge', { key: TEST_KEY, ...tls.listener });
    const holder = await node('tls-holder', { key: TEST_KEY });
    const upstream = await recordingUpstream(h);
    await h.agent(holder, upstream.url, { routes: [{ host: '*', path: '/hop' }] });
    await untilHolders(edge.url, '*', '/hop', ['tls-holder']);

    const got = await sendTls(`${edge.tlsUrl}/hop/x`, { ca: tls.ca.cert });
    expect(got.status).toBe(200);
    const [seen] = await upstream.settled(1);
    expect(seen!.headers['x-forwarded-proto']).toBe('https');
    expect(seen!.headers.forwarded).toContain('proto=https');
    expect(seen!.headers['x-harp-forwarded-proto']).toBeUndefined();
  });
});

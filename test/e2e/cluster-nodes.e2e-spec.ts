import { startAgent } from '../../src/agent/connect.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// Two proxies in one process, one Redis: what each lists in GET /_harp/api/nodes.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';
const TEAM_A_KEY = 'team-a-key-0123456789';
const TEAM_B_KEY = 'team-b-key-0123456789';

interface NodesBody {
  cluster: boolean;
  healthy: boolean;
  nodes: Array<{ id: string; url: string | null; self: boolean; agents: number; lastHeartbeat: string | null; routes: Array<{ host: string; path: string; ownerKeyId: string; members: number }> }>;
}

async function nodes(proxy: HarpServer): Promise<NodesBody> {
  const res = await send(`${proxy.url}/_harp/api/nodes`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body.toString()) as NodesBody;
}

describe('GET /_harp/api/nodes outside cluster mode', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('lists this process alone, with cluster: false', async () => {
    const proxy = await h.proxy({ nodeId: 'solo-1' });
    await h.agent(proxy, (_req, res) => res.end('ok'), { routes: [{ host: 'a.example', path: '/' }] });
    expect(await nodes(proxy)).toEqual({
      cluster: false,
      healthy: true,
      nodes: [
        {
          id: 'solo-1',
          url: null,
          self: true,
          startedAt: expect.any(String),
          lastHeartbeat: null,
          agents: 1,
          routes: [{ host: 'a.example', path: '/', ownerKeyId: 'default', members: 1 }],
        },
      ],
    });
  });
});

describeRedis('cluster mode: two proxies through one Redis', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-nodes');
  afterEach(() => h.closeAll());

  const keys = [
    { id: 'team-a', key: TEAM_A_KEY },
    { id: 'team-b', key: TEAM_B_KEY },
  ];
  const node = (nodeId: string, overrides: Partial<HarpConfigInput> = {}) =>
    h.proxy({ clusterSecret: SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: 100, key: undefined, keys, ...overrides });

  async function agentOn(proxy: HarpServer, key: string, host: string) {
    const { agent, ready } = await startAgent({ server: proxy.url, key, handler: (_req, res) => res.end(host), routes: [{ host, path: '/' }], reconnect: false });
    h.defer(() => agent.close(100));
    return ready;
  }

  it('each lists the other, with its agents, routes and heartbeat', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(a, TEAM_A_KEY, 'a.example');
    await eventually(async () => (await nodes(b)).nodes.find((n) => n.id === 'node-a')?.routes.length === 1, 3000, 'node-a seen by node-b');
    const fromB = await nodes(b);
    expect(fromB).toMatchObject({ cluster: true, healthy: true });
    expect(fromB.nodes.map((n) => [n.id, n.self])).toEqual([
      ['node-b', true],
      ['node-a', false],
    ]);
    expect(fromB.nodes[1]).toMatchObject({ agents: 1, routes: [{ host: 'a.example', path: '/', ownerKeyId: 'team-a', members: 1 }] });
    expect(Date.parse(fromB.nodes[1]!.lastHeartbeat!)).toBeGreaterThan(Date.now() - 5000);
    expect((await nodes(a)).nodes.map((n) => n.id)).toEqual(['node-a', 'node-b']);

    // The directory carries the internal listener's URL: it asks for the secret.
    const internal = fromB.nodes[1]!.url!;
    expect(internal).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await send(`${internal}/`)).status).toBe(401);
    // With the secret but without the origin a forwarding node declares, it is a bad request.
    expect((await send(`${internal}/`, { headers: { 'x-harp-cluster-secret': SECRET } })).status).toBe(400);
  });

  it("refuses a route another node's key serves, as route_owned", async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(a, TEAM_A_KEY, 'shop.example');
    await eventually(async () => (await nodes(b)).nodes.some((n) => n.routes.some((r) => r.host === 'shop.example')));
    const answer = await agentOn(b, TEAM_B_KEY, 'shop.example');
    expect(answer.accepted).toEqual([]);
    expect(answer.rejected).toEqual([expect.objectContaining({ host: 'shop.example', code: 'route_owned' })]);
    // The same key may serve it from the other node: that is one pool across the cluster.
    expect((await agentOn(b, TEAM_A_KEY, 'shop.example')).accepted).toHaveLength(1);
  });

  it('does not start without a Redis URL, and says which keys', async () => {
    await expect(h.proxy({ clusterSecret: SECRET })).rejects.toThrow(/clusterSecret \(overrides\): turns cluster mode on, which needs redisUrl/);
  });
});

import { startAgent } from '../../src/agent/connect.js';
import type { AgentReady, HarpAgent } from '../../src/agent/harp-agent.js';
import { clusterKeys } from '../../src/cluster/cluster-keys.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import type { RouteRejection } from '../../src/protocol/index.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// A route that the node's mirror lets through but the atomic ownership claim refuses
// (docs/cluster.md, "Route ownership"): the node withdraws it from its agent. The race is made
// deterministic by writing the owner key in Redis, for another key, before the agent registers:
// no node serves the route, so the mirror knows nothing of it, as in a race or a grace.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';
const TEAM_A_KEY = 'team-a-key-0123456789';
const keys = [
  { id: 'team-a', key: TEAM_A_KEY },
  { id: 'team-b', key: 'team-b-key-0123456789' },
];

/** `promise`, or a failure naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describeRedis('ownership conflicts found after registration', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-conflicts');
  afterEach(() => h.closeAll());

  const node = (nodeId: string) =>
    h.proxy({ clusterSecret: SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: 100, key: undefined, keys });

  async function agentOn(proxy: HarpServer, host: string): Promise<{ agent: HarpAgent; ready: AgentReady; withdrawn: Promise<RouteRejection[]> }> {
    const { agent, ready } = await startAgent({
      server: proxy.url,
      key: TEAM_A_KEY,
      handler: (_req, res) => res.end('team-a'),
      routes: [{ host, path: '/' }],
      reconnect: false,
    });
    h.defer(() => agent.close(100));
    const withdrawn = new Promise<RouteRejection[]>((resolve) => agent.once('withdrawn', (info) => resolve(info.routes)));
    return { agent, ready: await ready, withdrawn };
  }

  const routesOf = async (proxy: HarpServer) => {
    const body = JSON.parse((await send(`${proxy.url}/_harp/api/nodes`)).body.toString()) as { nodes: Array<{ self: boolean; routes: Array<{ host: string }> }> };
    return body.nodes.find((n) => n.self)!.routes.map((r) => r.host);
  };

  it('withdraws from its agent a route another key owns in Redis, and keeps its other routes', async () => {
    const a = await node('node-a');
    await scratch.raw.set(clusterKeys(scratch.prefix).owner('shop.example/'), 'team-b', { PX: 60_000 });

    const mine = await agentOn(a, 'mine.example');
    const { ready, withdrawn } = await agentOn(a, 'shop.example');
    // The mirror knows no owner: registration accepts it; the claim then refuses it.
    expect(ready.accepted).toMatchObject([{ host: 'shop.example', path: '/' }]);
    expect(await within(withdrawn, 5000, 'the withdrawal')).toEqual([
      { host: 'shop.example', path: '/', code: 'route_owned', reason: 'shop.example/ is registered by another key in the cluster' },
    ]);

    // Gone at once, with no grace kept for a key that never owned it; nothing else changed.
    const res = await send(`${a.url}/`, { headers: { host: 'shop.example' } });
    expect(res.status).toBe(404);
    expect(await routesOf(a)).toEqual(['mine.example']);
    expect(mine.ready.accepted).toHaveLength(1);
    expect((await send(`${a.url}/`, { headers: { host: 'mine.example' } })).body.toString()).toBe('team-a');
    // The owner key is untouched.
    expect(await scratch.raw.get(clusterKeys(scratch.prefix).owner('shop.example/'))).toBe('team-b');
  });

  it('lets the route go to the agent once the other key no longer owns it', async () => {
    const a = await node('node-a');
    const owner = clusterKeys(scratch.prefix).owner('shop.example/');
    await scratch.raw.set(owner, 'team-b', { PX: 60_000 });
    const first = await agentOn(a, 'shop.example');
    await within(first.withdrawn, 5000, 'the withdrawal');

    await scratch.raw.del(owner);
    const second = await agentOn(a, 'shop.example');
    expect(second.ready.accepted).toHaveLength(1);
    await eventually(async () => (await scratch.raw.get(owner)) === 'team-a', 3000, 'team-a owns the route');
    expect((await send(`${a.url}/`, { headers: { host: 'shop.example' } })).body.toString()).toBe('team-a');
  });
});

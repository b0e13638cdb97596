import { startAgent } from '../../src/agent/connect.js';
import type { AgentReady } from '../../src/agent/harp-agent.js';
import type { AgentRoute } from '../../src/agent/agent-options.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { clusterNodes } from '../helpers/cluster.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// Subdomains across a cluster (docs/cluster.md, "Subdomains"): every claim of a name goes
// through one atomic check-and-set in Redis, so two nodes never give one generated name to two
// agents, and a name one key holds on one node is refused to another key on another node.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const DOMAIN = 't.example';
const OTHER_KEY = 'other-key-0123456789';

describeRedis('subdomains in a cluster', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-subdomains');
  afterEach(() => h.closeAll());

  const node = (nodeId: string) =>
    clusterNodes(h, scratch)(nodeId, { publicDomain: DOMAIN, keys: [{ id: 'other', key: OTHER_KEY, subdomains: true }] });

  async function agentOn(proxy: HarpServer, key: string, routes: AgentRoute[], body: string): Promise<AgentReady> {
    const { agent, ready } = await startAgent({ server: proxy.url, key, handler: (_req, res) => res.end(body), routes, reconnect: false });
    h.defer(() => agent.close(100));
    return ready;
  }

  /** Makes the node draw the same bytes as every other node so forced: the first draw of each collides. */
  function sameDraws(proxy: HarpServer): void {
    let draw = 0;
    proxy.app.get(RegistrationService).subdomains.random = (size) => new Uint8Array(size).fill(draw++ === 0 ? 7 : 200);
  }

  it('never gives one generated name to agents on two nodes, even when both draw it', async () => {
    const [a, b] = [await node('node-a'), await node('node-b')];
    sameDraws(a);
    sameDraws(b);
    const onA = (await agentOn(a, TEST_KEY, [{ subdomain: 'random' }], 'from a')).accepted[0]!;
    const onB = (await agentOn(b, OTHER_KEY, [{ subdomain: 'random' }], 'from b')).accepted[0]!;
    expect(onA.host).toMatch(/\.t\.example$/);
    expect(onB.host).toMatch(/\.t\.example$/);
    expect(onB.host).not.toBe(onA.host);
    // Node b drew a's name first, was refused it by Redis, and drew again.
    expect(await scratch.raw.get(`${scratch.prefix}subdomain:${onA.host.split('.')[0]}`)).toBe('default');
    expect(await scratch.raw.get(`${scratch.prefix}subdomain:${onB.host.split('.')[0]}`)).toBe('other');
    expect((await send(`${a.url}/`, { headers: { host: onA.host } })).body.toString()).toBe('from a');
    expect((await send(`${b.url}/`, { headers: { host: onB.host } })).body.toString()).toBe('from b');
  });

  it('refuses a name held on one node to another key on another node, and lets its own key join there', async () => {
    const [a, b] = [await node('node-a'), await node('node-b')];
    expect((await agentOn(a, TEST_KEY, [{ subdomain: 'demo' }], 'a')).accepted).toHaveLength(1);
    const other = await agentOn(b, OTHER_KEY, [{ subdomain: 'demo' }, { host: 'demo.t.example', path: '/api' }], 'b');
    expect(other.rejected.map((r) => [r.host, r.path, r.code])).toEqual([
      ['demo.t.example', '/', 'route_owned'],
      ['demo.t.example', '/api', 'route_owned'],
    ]);
    expect((await agentOn(b, TEST_KEY, [{ subdomain: 'demo' }], 'a2')).accepted).toHaveLength(1);
  });
});

import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashPassword } from '../../src/access/index.js';
import { startAgent } from '../../src/agent/connect.js';
import type { AgentAccess } from '../../src/agent/agent-options.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// Visitor access rules across two nodes (docs/cluster.md, "Access rules"): the operator's are
// checked by the node a request reaches, before it forwards anything; the rules an agent asked
// for by the node that holds the agent, which the request reaches in local-only mode.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const KEY = 'team-a-key-0123456789';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describeRedis('cluster mode: visitor access rules', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-access');
  afterEach(() => h.closeAll());

  const node = (nodeId: string, overrides: Partial<HarpConfigInput> = {}) => clusterNodes(h, scratch)(nodeId, { key: KEY, ...overrides });

  /** An agent on `proxy` for shop.example, asking for `access`; what its backend saw. */
  async function agentOn(proxy: HarpServer, access?: AgentAccess) {
    const seen: Array<IncomingMessage['headers']> = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      seen.push(req.headers);
      res.writeHead(200, { 'cache-control': 'public, max-age=300' });
      res.end('from b');
    };
    const { agent, ready } = await startAgent({ server: proxy.url, key: KEY, handler, routes: [{ host: 'shop.example', path: '/' }], access, reconnect: false });
    h.defer(() => agent.close(100));
    await ready;
    return seen;
  }

  it("the holding node checks its agent's rules for a forwarded request, and strips what it checked", async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const seen = await agentOn(b, { basicAuth: [{ user: 'demo', password: 's3cret' }] });
    await untilHolders(a.url, 'shop.example', '/', ['node-b']);

    const refused = await send(`${a.url}/x`, { headers: { host: 'shop.example' } });
    expect([refused.status, refused.headers['x-harp-error'], refused.headers['www-authenticate']]).toEqual([401, 'unauthorized', 'Basic realm="HARP", charset="UTF-8"']);
    const wrong = await send(`${a.url}/x`, { headers: { host: 'shop.example', authorization: basic('demo', 'nope') } });
    expect(wrong.status).toBe(401);
    expect(seen).toHaveLength(0);

    for (let i = 0; i < 2; i++) {
      const ok = await send(`${a.url}/x`, { headers: { host: 'shop.example', authorization: basic('demo', 's3cret') } });
      expect([ok.status, ok.body.toString()]).toEqual([200, 'from b']);
    }
    // Both reached the agent, without the credentials: a route with agent-asked rules is not
    // cached, so that no node can answer it from the shared cache without the check.
    expect(seen).toHaveLength(2);
    expect(seen.map((headers) => headers.authorization)).toEqual([undefined, undefined]);
    const after = await send(`${a.url}/x`, { headers: { host: 'shop.example' } });
    expect(after.status).toBe(401);
    expect(after.body.toString()).not.toContain('from b');
  });

  it("the receiving node checks the operator's rules before it forwards anything", async () => {
    const access = {
      trustedProxies: ['127.0.0.1'],
      access: [
        { denyIps: ['2001:db8:bad::/48'] },
        { paths: ['/admin(/.*)?'], basicAuth: [{ user: 'ops', password: hashPassword('pw', { N: 16, r: 1, p: 1 }) }] },
      ],
    };
    const a = await node('node-a', access);
    const b = await node('node-b', access);
    const seen = await agentOn(b);
    await untilHolders(a.url, 'shop.example', '/', ['node-b']);

    const denied = await send(`${a.url}/`, { headers: { host: 'shop.example', 'x-forwarded-for': '2001:db8:bad::9' } });
    expect([denied.status, denied.headers['x-harp-error']]).toEqual([403, 'ip_denied']);
    const unauthorized = await send(`${a.url}/admin`, { headers: { host: 'shop.example' } });
    expect([unauthorized.status, unauthorized.headers['x-harp-error']]).toEqual([401, 'unauthorized']);
    expect(seen).toHaveLength(0);

    // Passed on node a, checked again on node b (which sees the same client through the hop),
    // and the backend gets no Authorization.
    const ok = await send(`${a.url}/admin`, { headers: { host: 'shop.example', 'x-forwarded-for': '2001:db8::1', authorization: basic('ops', 'pw') } });
    expect(ok.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBeUndefined();
  });
});

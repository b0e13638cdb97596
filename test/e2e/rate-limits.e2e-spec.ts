import { startAgent } from '../../src/agent/connect.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi } from '../helpers/admin-api.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send, type ClientResponse } from '../helpers/http-client.js';
import { CLUSTER_SECRET, untilHolders } from '../helpers/cluster.js';
import { closedPort } from '../helpers/ports.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';
import { proxySessions } from '../helpers/tunnels.js';

// Rate limits (docs/configuration.md, "Rate limits"): per client address across all routes,
// per rule of the configuration, and asked for by a route's agents; over a limit the proxy
// answers 429 rate_limited itself, before routing, the cache or any agent. Limits of a minute
// or an hour make "N allowed, then 429" independent of how fast the test runs; recovery uses a
// one-second window and waits for it with eventually().

const TEAM_KEY = 'team-key-0123456789';

/** Status and error code, the pair most assertions are about. */
const outcome = (res: ClientResponse): [number, unknown] => [res.status, res.headers['x-harp-error']];

/** `count` requests one after another, their statuses in order. */
async function statuses(url: string, count: number, headers: Record<string, string> = {}): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send(url, { headers })).status);
  return seen;
}

describe('rate limits, in memory', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  let served = 0;
  async function proxyWithAgent(overrides: Parameters<Harness['proxy']>[0] = {}): Promise<HarpServer> {
    served = 0;
    const proxy = await h.proxy(overrides);
    await h.agent(proxy, (req, res) => {
      served++;
      res.end(`ok ${req.url}`);
    });
    return proxy;
  }

  it('lets a client make rateLimit requests, then answers 429 with Retry-After, RateLimit-Policy and RateLimit', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '3/m' });
    expect(await statuses(`${proxy.url}/a`, 3)).toEqual([200, 200, 200]);
    const limited = await send(`${proxy.url}/b`);
    expect(outcome(limited)).toEqual([429, 'rate_limited']);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(limited.headers.ratelimit).toBe(`"default";r=0;t=${limited.headers['retry-after']}`);
    expect(limited.headers['cache-control']).toBe('no-store');
    expect(limited.body.toString()).toBe('429 too many requests: over a rate limit: policy "default"\n');
    // The refused request reached no agent.
    expect(served).toBe(3);
  });

  it('comes back once the window is over', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '1/s' });
    await eventually(async () => (await send(`${proxy.url}/x`)).status === 429, 3000, 'a refused request');
    await eventually(async () => (await send(`${proxy.url}/x`)).status === 200, 5000, 'a request served again');
  });

  it('counts the client by its address: X-Forwarded-For from an untrusted peer changes nothing', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '2/m' });
    const forwarded = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    expect((await send(`${proxy.url}/`, { headers: forwarded(1) })).status).toBe(200);
    expect((await send(`${proxy.url}/`, { headers: forwarded(2) })).status).toBe(200);
    expect(outcome(await send(`${proxy.url}/`, { headers: forwarded(3) }))).toEqual([429, 'rate_limited']);
  });

  it('believes a trusted proxy: each client behind it has its own bucket', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '2/m', trustedProxies: ['127.0.0.1'] });
    const client = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    expect(await statuses(`${proxy.url}/`, 3, client(1))).toEqual([200, 200, 429]);
    expect(await statuses(`${proxy.url}/`, 3, client(2))).toEqual([200, 200, 429]);
  });

  it('limits what a rule of rateLimits matches, per route for all clients together, and nothing else', async () => {
    const proxy = await proxyWithAgent({
      trustedProxies: ['127.0.0.1'],
      rateLimits: [{ id: 'uploads', paths: ['/upload(/.*)?'], limit: '2/h', per: 'route' }],
    });
    const client = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
    expect((await send(`${proxy.url}/upload/1`, { headers: client(1) })).status).toBe(200);
    expect((await send(`${proxy.url}/upload`, { headers: client(2) })).status).toBe(200);
    const limited = await send(`${proxy.url}/upload/3`, { headers: client(3) });
    expect(outcome(limited)).toEqual([429, 'rate_limited']);
    expect(limited.headers['ratelimit-policy']).toBe('"uploads";q=2;w=3600');
    // Other paths, and a path that only starts like it, are not the rule's.
    expect(await statuses(`${proxy.url}/uploads`, 3)).toEqual([200, 200, 200]);
  });

  it('counts a WebSocket upgrade as a request, and refuses one over the limit before any agent sees it', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '1/h' });
    expect((await send(`${proxy.url}/`)).status).toBe(200);
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const refused = await send(`${proxy.url}/socket`, { headers: upgrade });
    expect(outcome(refused)).toEqual([429, 'rate_limited']);
    expect(refused.headers['ratelimit-policy']).toBe('"default";q=1;w=3600');
    expect(served).toBe(1);
  });

  it('never limits what HARP serves itself under /_harp', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '1/h' });
    expect((await send(`${proxy.url}/`)).status).toBe(200);
    expect((await send(`${proxy.url}/`)).status).toBe(429);
    for (const path of ['/_harp/healthz', '/_harp/readyz', '/_harp/metrics', '/_harp/api/routes']) {
      expect([path, (await send(`${proxy.url}${path}`)).status]).toEqual([path, 200]);
    }
  });

  it('counts refused requests in harp_rate_limited_total and shows rate_limited in the inspector', async () => {
    const proxy = await proxyWithAgent({ rateLimit: '1/h' });
    await statuses(`${proxy.url}/seen`, 3);
    const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(sampleValue(metrics, 'harp_rate_limited_total', { rule: 'default', scope: 'ip' })).toBe(2);
    // Refused before routing: no route, and the 4xx class of every other answer the proxy makes.
    expect(sampleValue(metrics, 'harp_requests_total', { route: 'none', status_class: '4xx' })).toBe(2);
    await eventually(async () => (await adminApi(proxy, 'GET', '/inspector/requests')).json.held === 3);
    const entries = (await adminApi(proxy, 'GET', '/inspector/requests')).json.entries as Array<{ status: number; errorCode: string | null }>;
    expect(entries.map((e) => [e.status, e.errorCode])).toEqual([
      [429, 'rate_limited'],
      [429, 'rate_limited'],
      [200, null],
    ]);
  });

  describe('asked for by a route\'s agents', () => {
    it('limits the route, all clients together, when the key may ask', async () => {
      const proxy = await h.proxy({ trustedProxies: ['127.0.0.1'] });
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: TEST_KEY,
        routes: [{ path: '/api', rateLimit: '2/m' }, { path: '/' }],
        handler: (req, res) => res.end(`ok ${req.url}`),
        reconnect: false,
      });
      h.defer(() => agent.close(100));
      expect((await ready).rejected).toEqual([]);
      const client = (n: number) => ({ 'x-forwarded-for': `203.0.113.${n}` });
      expect((await send(`${proxy.url}/api/1`, { headers: client(1) })).status).toBe(200);
      expect((await send(`${proxy.url}/api/2`, { headers: client(2) })).status).toBe(200);
      const limited = await send(`${proxy.url}/api/3`, { headers: client(3) });
      expect(outcome(limited)).toEqual([429, 'rate_limited']);
      expect(limited.headers['ratelimit-policy']).toBe('"route";q=2;w=60');
      expect(await statuses(`${proxy.url}/other`, 3)).toEqual([200, 200, 200]);
    });

    it('applies connect({ rateLimit }) to every route that sets none', async () => {
      const proxy = await h.proxy();
      await h.agent(proxy, (req, res) => res.end('ok'), { rateLimit: '1/h' });
      expect(await statuses(`${proxy.url}/`, 2)).toEqual([200, 429]);
    });

    it('rejects the route with rate_limit_forbidden when the key\'s rule does not allow it', async () => {
      const proxy = await h.proxy({
        keys: [
          { id: 'team', key: TEAM_KEY, paths: ['/team(/.*)?', '/free'] },
          { id: 'trusted', key: 'trusted-key-0123456789', agentRateLimits: true },
        ],
      });
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: TEAM_KEY,
        routes: [{ path: '/team', rateLimit: '1/h' }, { path: '/free' }],
        handler: (req, res) => res.end(`team ${req.url}`),
        reconnect: false,
      });
      h.defer(() => agent.close(100));
      const answer = await ready;
      expect(answer.accepted).toEqual([{ host: '*', path: '/free' }]);
      expect(answer.rejected.map((r) => [r.path, r.code])).toEqual([['/team', 'rate_limit_forbidden']]);
      expect(answer.rejected[0]!.reason).toContain('"team"');
      expect(outcome(await send(`${proxy.url}/team/x`))).toEqual([404, 'no_route']);
      expect(await statuses(`${proxy.url}/free`, 2)).toEqual([200, 200]);
    });

    it('refuses a malformed rate before it is sent', async () => {
      const proxy = await h.proxy();
      await expect(h.agent(proxy, () => undefined, { rateLimit: '10 per second' })).rejects.toThrow(/rateLimit must be N\/s/);
    });
  });
});

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

describeRedis('rate limits, in Redis', () => {
  const h = new Harness();
  const redis = redisScratch('ratelimit');
  afterEach(() => h.closeAll());

  it('two proxies on one Redis share one bucket per client', async () => {
    const shared = { redisUrl: TEST_REDIS_URL, redisPrefix: redis.prefix, rateLimit: '3/m' };
    const a = await h.proxy(shared);
    const b = await h.proxy(shared);
    const { agent } = await startAgent({ server: [a.url, b.url], key: TEST_KEY, handler: (req, res) => res.end('ok'), reconnect: false });
    h.defer(() => agent.close(100));
    await eventually(() => proxySessions(a) === 1 && proxySessions(b) === 1, 5000, 'a session on each proxy');
    await eventually(async () => (await send(`${b.url}/probe`)).status === 200, 5000, 'the route on b');
    // The probe took one token from the shared bucket; two more through a, then b refuses.
    expect(await statuses(`${a.url}/`, 2)).toEqual([200, 200]);
    const limited = await send(`${b.url}/`);
    expect(outcome(limited)).toEqual([429, 'rate_limited']);
    expect(outcome(await send(`${a.url}/`))).toEqual([429, 'rate_limited']);
    // The bucket is a key under <redisPrefix>ratelimit:, expiring with its window.
    const keys = await redis.raw.keys(`${redis.prefix}ratelimit:*`);
    expect(keys).toEqual([`${redis.prefix}ratelimit:ip:3/60s:127.0.0.1`]);
    expect(await redis.raw.ttl(keys[0]!)).toBeGreaterThan(0);
    expect(a.app.get((await import('../../src/rate-limit/index.js')).RateLimitGate).fallbacks).toBe(0);
  });

  it('a route limit its agents asked for is shared by both proxies', async () => {
    const shared = { redisUrl: TEST_REDIS_URL, redisPrefix: redis.prefix };
    const a = await h.proxy(shared);
    const b = await h.proxy(shared);
    const { agent } = await startAgent({ server: [a.url, b.url], key: TEST_KEY, rateLimit: '3/m', handler: (req, res) => res.end('ok'), reconnect: false });
    h.defer(() => agent.close(100));
    await eventually(() => proxySessions(a) === 1 && proxySessions(b) === 1, 5000, 'a session on each proxy');
    await eventually(async () => (await send(`${b.url}/probe`)).status === 200, 5000, 'the route on b');
    expect(await statuses(`${a.url}/`, 2)).toEqual([200, 200]);
    expect(outcome(await send(`${b.url}/`))).toEqual([429, 'rate_limited']);
  });

  it('in a cluster, counts a request once, on the node that received it, also when another node serves it', async () => {
    const node = (nodeId: string) =>
      h.proxy({ clusterSecret: CLUSTER_SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: redis.prefix, nodeId, clusterHeartbeatMs: 100, rateLimit: '3/m' });
    const a = await node('node-a');
    const b = await node('node-b');
    let served = 0;
    await h.agent(b, (req, res) => {
      served++;
      res.end('from b');
    });
    await untilHolders(a.url, '*', '/', ['node-b']);
    // Each of these crosses from a to b; counted twice, the second would already be refused.
    expect(await statuses(`${a.url}/`, 3)).toEqual([200, 200, 200]);
    expect(served).toBe(3);
    const limited = await send(`${a.url}/`);
    expect(outcome(limited)).toEqual([429, 'rate_limited']);
    // The bucket is shared: b refuses the same client too, and the agent saw nothing more.
    expect(outcome(await send(`${b.url}/`))).toEqual([429, 'rate_limited']);
    expect(served).toBe(3);
  });
});

describe('rate limits while Redis is unreachable', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('serves every request, counting in memory instead', async () => {
    const proxy = await h.proxy({ redisUrl: `redis://127.0.0.1:${await closedPort()}`, rateLimit: '3/m', cacheStoreTimeoutMs: 100 });
    await h.agent(proxy, (req, res) => res.end('ok'));
    expect(await statuses(`${proxy.url}/`, 3)).toEqual([200, 200, 200]);
    expect(outcome(await send(`${proxy.url}/`))).toEqual([429, 'rate_limited']);
    const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(sampleValue(metrics, 'harp_rate_limit_fallbacks_total')).toBe(4);
  });
});

import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// The live route table as the operator sees it: precedence order, pools, owners, options.

const TEAM_KEY = 'team-key-0123456789abcdef';
const HEALTHY = { state: 'healthy', ejectedUntil: null, consecutiveFailures: 0 };

async function routes(proxy: HarpServer) {
  const res = await send(`${proxy.url}/_harp/api/routes`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body.toString()) as Array<Record<string, unknown>>;
}

async function agentIds(proxy: HarpServer): Promise<Record<string, string>> {
  const res = await send(`${proxy.url}/_harp/api/agents`);
  const agents = JSON.parse(res.body.toString()) as Array<{ id: string; name: string }>;
  return Object.fromEntries(agents.map((a) => [a.name, a.id]));
}

describe('admin API: routes', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is empty without agents', async () => {
    const proxy = await h.proxy();
    expect(await routes(proxy)).toEqual([]);
  });

  it('lists every route in precedence order with its pool, owner, cache options and balancing', async () => {
    const proxy = await h.proxy({
      keys: [
        { id: 'ops', key: 'ops-key-0123456789abcdef', hosts: ['.*'], paths: ['/.*'] },
        { id: 'team', key: TEAM_KEY, hosts: ['.*\\.example\\.test'], paths: ['/.*'] },
      ],
    });
    const ok = (_req: unknown, res: { end: (b: string) => void }) => res.end('ok');
    await h.agent(proxy, ok, {
      key: 'ops-key-0123456789abcdef',
      name: 'catch-all',
      routes: [{ host: '*', path: '/' }, { host: '*', path: '/static', cache: { defaultTtlSeconds: 30 } }],
    });
    await h.agent(proxy, ok, {
      key: TEAM_KEY,
      name: 'api-1',
      routes: [{ host: 'api.example.test', path: '/v1', cache: { enabled: false } }, { host: '*.example.test', path: '/' }],
    });
    await h.agent(proxy, ok, { key: TEAM_KEY, name: 'api-2', routes: [{ host: 'api.example.test', path: '/v1', cache: { enabled: false } }] });
    const ids = await agentIds(proxy);

    expect(await routes(proxy)).toEqual([
      {
        host: 'api.example.test',
        path: '/v1',
        hostKind: 'exact',
        ownerKeyId: 'team',
        pool: [ids['api-1'], ids['api-2']],
        members: [{ id: ids['api-1'], weight: 1, inFlight: 0, health: HEALTHY }, { id: ids['api-2'], weight: 1, inFlight: 0, health: HEALTHY }],
        balancing: 'round-robin',
        sticky: null,
        cache: { enabled: false, defaultTtlSeconds: null },
        graceUntil: null,
        heldRequests: 0,
      },
      {
        host: '*.example.test',
        path: '/',
        hostKind: 'wildcard',
        ownerKeyId: 'team',
        pool: [ids['api-1']],
        members: [{ id: ids['api-1'], weight: 1, inFlight: 0, health: HEALTHY }],
        balancing: 'round-robin',
        sticky: null,
        cache: { enabled: true, defaultTtlSeconds: null },
        graceUntil: null,
        heldRequests: 0,
      },
      {
        host: '*',
        path: '/static',
        hostKind: 'any',
        ownerKeyId: 'ops',
        pool: [ids['catch-all']],
        members: [{ id: ids['catch-all'], weight: 1, inFlight: 0, health: HEALTHY }],
        balancing: 'round-robin',
        sticky: null,
        cache: { enabled: true, defaultTtlSeconds: 30 },
        graceUntil: null,
        heldRequests: 0,
      },
      {
        host: '*',
        path: '/',
        hostKind: 'any',
        ownerKeyId: 'ops',
        pool: [ids['catch-all']],
        members: [{ id: ids['catch-all'], weight: 1, inFlight: 0, health: HEALTHY }],
        balancing: 'round-robin',
        sticky: null,
        cache: { enabled: true, defaultTtlSeconds: null },
        graceUntil: null,
        heldRequests: 0,
      },
    ]);
    // Keys never appear, only their rule ids.
    const raw = (await send(`${proxy.url}/_harp/api/routes`)).body.toString();
    expect(raw).not.toContain(TEAM_KEY);
    expect(raw).not.toContain('ops-key');
  });

  it("shows the route's balancing and stickiness and each member's weight, load and health", async () => {
    const proxy = await h.proxy();
    const ok = (_req: unknown, res: { end: (b: string) => void }) => res.end('ok');
    const route = { host: 'shop.test', path: '/', balance: 'least-requests' as const, sticky: { header: 'X-Cart' } };
    await h.agent(proxy, ok, { name: 'heavy', weight: 3, routes: [route] });
    await h.agent(proxy, ok, { name: 'light', routes: [route] });
    const ids = await agentIds(proxy);
    expect(await routes(proxy)).toEqual([
      expect.objectContaining({
        host: 'shop.test',
        balancing: 'least-requests',
        sticky: { header: 'x-cart' },
        members: [
          { id: ids['heavy'], weight: 3, inFlight: 0, health: HEALTHY },
          { id: ids['light'], weight: 1, inFlight: 0, health: HEALTHY },
        ],
      }),
    ]);
  });

  it('follows the table as agents come and go', async () => {
    // Without a grace, a route goes with its last agent (route-grace.e2e-spec.ts: with one).
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const agent = await h.agent(proxy, (_req, res) => res.end('ok'), { routes: [{ host: 'a.test', path: '/x' }] });
    expect((await routes(proxy)).map((r) => `${r.host}${r.path}`)).toEqual(['a.test/x']);
    await agent.close(100);
    await eventually(async () => (await routes(proxy)).length === 0, 1000, 'the route to go');
    expect(await routes(proxy)).toEqual([]);
  });
});

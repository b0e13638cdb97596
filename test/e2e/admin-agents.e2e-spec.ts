import type { IncomingMessage, ServerResponse } from 'node:http';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { adminApi as api, eventually } from '../helpers/admin-api.js';
import { send } from '../helpers/http-client.js';

// The operator's view of agent connections, and the two ways to take one out of service.

const HEALTHY = { state: 'healthy', ejectedUntil: null, consecutiveFailures: 0 };

/** An in-process backend whose `/hold` requests wait until released. */
function holdingBackend() {
  const held: ServerResponse[] = [];
  const arrivals: Array<() => void> = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    if (req.url?.startsWith('/hold')) {
      held.push(res);
      arrivals.splice(0).forEach((wake) => wake());
      return;
    }
    if (req.url?.startsWith('/fail')) {
      res.writeHead(500).end('broken');
      return;
    }
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/plain' }).end(`hello from ${req.url}`));
  };
  const arrived = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => (held.length >= count ? resolve() : arrivals.push(check));
      check();
    });
  const releaseAll = () => held.splice(0).forEach((res) => res.writeHead(200).end('released'));
  return { handler, arrived, releaseAll };
}

describe('admin API: agents', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('lists an agent with its identity, routes, key id (never the key) and live figures', async () => {
    const proxy = await h.proxy({ heartbeatMs: 50 });
    const backend = holdingBackend();
    await h.agent(proxy, backend.handler, {
      name: 'billing-v2',
      routes: [
        { host: 'api.example.test', path: '/billing' },
        { host: '*', path: '/' },
      ],
    });
    await eventually(async () => (await api(proxy, 'GET', '/agents')).json[0]?.rttMs !== null);

    const list = await api(proxy, 'GET', '/agents');
    expect(list.status).toBe(200);
    expect(list.json).toHaveLength(1);
    const [agent] = list.json;
    expect(agent).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{12}$/),
      name: 'billing-v2',
      state: 'active',
      remoteAddress: '127.0.0.1',
      keyId: 'default',
      routes: [
        { host: 'api.example.test', path: '/billing', health: HEALTHY },
        { host: '*', path: '/', health: HEALTHY },
      ],
      weight: 1,
      connectedAt: expect.any(String),
      rttMs: expect.any(Number),
      inFlightStreams: 0,
      totals: { requests: 0, errors: 0, bytesIn: 0, bytesOut: 0 },
      latencyMs: { p50: null, p99: null, samples: 0 },
    });
    expect(Date.now() - Date.parse(agent.connectedAt)).toBeLessThan(10_000);
    expect(list.text).not.toContain(TEST_KEY);

    const one = await api(proxy, 'GET', `/agents/${agent.id}`);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ id: agent.id, name: 'billing-v2' });
  });

  it('counts requests, errors, bytes and latency per agent, and shows streams in flight', async () => {
    const proxy = await h.proxy();
    const backend = holdingBackend();
    await h.agent(proxy, backend.handler);
    const [{ id }] = (await api(proxy, 'GET', '/agents')).json;

    expect((await send(`${proxy.url}/a`, { method: 'POST', body: '12345' })).status).toBe(200); // body "hello from /a"
    expect((await send(`${proxy.url}/fail`)).status).toBe(500);
    expect((await send(`${proxy.url}/b`)).status).toBe(200);
    const holding = send(`${proxy.url}/hold`);
    await backend.arrived(1);

    let agent = (await api(proxy, 'GET', `/agents/${id}`)).json;
    expect(agent.inFlightStreams).toBe(1);
    await eventually(async () => (await api(proxy, 'GET', `/agents/${id}`)).json.totals.requests === 3);
    agent = (await api(proxy, 'GET', `/agents/${id}`)).json;
    expect(agent.totals).toEqual({
      requests: 3,
      errors: 1,
      bytesIn: 5,
      bytesOut: 'hello from /a'.length + 'broken'.length + 'hello from /b'.length,
    });
    expect(agent.latencyMs.samples).toBe(3);
    expect(agent.latencyMs.p50).toBeGreaterThanOrEqual(0);
    expect(agent.latencyMs.p99).toBeGreaterThanOrEqual(agent.latencyMs.p50);

    backend.releaseAll();
    expect((await holding).status).toBe(200);
  });

  it('keeps separate figures for two agents of one pool', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, holdingBackend().handler, { name: 'one' });
    await h.agent(proxy, holdingBackend().handler, { name: 'two' });
    for (let i = 0; i < 4; i++) expect((await send(`${proxy.url}/x${i}`)).status).toBe(200);
    await eventually(async () => {
      const agents = (await api(proxy, 'GET', '/agents')).json as Array<{ totals: { requests: number } }>;
      return agents.reduce((sum, a) => sum + a.totals.requests, 0) === 4;
    });
    const agents = (await api(proxy, 'GET', '/agents')).json as Array<{ name: string; totals: { requests: number } }>;
    expect(agents.map((a) => [a.name, a.totals.requests])).toEqual([
      ['one', 2],
      ['two', 2],
    ]);
  });

  it('answers 404 for an unknown id and 400 naming the field for a malformed one', async () => {
    const proxy = await h.proxy();
    for (const [method, path] of [
      ['GET', '/agents/0123456789ab'],
      ['POST', '/agents/0123456789ab/drain'],
      ['DELETE', '/agents/0123456789ab'],
    ] as const) {
      const res = await api(proxy, method, path);
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expect(res.json.message).toContain('0123456789ab');
    }
    for (const [method, path] of [
      ['GET', '/agents/NOT-AN-ID'],
      ['POST', '/agents/zzz/drain'],
      ['DELETE', '/agents/0123456789abcdef'],
    ] as const) {
      const res = await api(proxy, method, path);
      expect([method, path, res.status]).toEqual([method, path, 400]);
      expect(res.json.message).toEqual([expect.stringMatching(/^id /)]);
    }
  });

  it('drain: new requests get 503 at once, the one in flight finishes, then the agent and its route go', async () => {
    // Without a grace: with one, new requests would wait for a replacement (route-grace.e2e-spec.ts).
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const backend = holdingBackend();
    const agent = await h.agent(proxy, backend.handler);
    const drained = new Promise<string | undefined>((resolve) => agent.once('drain', resolve));
    const [{ id }] = (await api(proxy, 'GET', '/agents')).json;

    const inFlight = send(`${proxy.url}/hold`);
    await backend.arrived(1);
    const drain = await api(proxy, 'POST', `/agents/${id}/drain`);
    expect(drain.status).toBe(202);
    expect(drain.json).toMatchObject({ id, state: 'draining', inFlightStreams: 1 });
    expect(await drained).toBe('drained by an operator');

    const refused = await send(`${proxy.url}/new`);
    expect(refused.status).toBe(503);
    expect(refused.headers['x-harp-error']).toBe('no_backend');
    expect((await api(proxy, 'GET', `/agents/${id}`)).json.state).toBe('draining');

    backend.releaseAll();
    const finished = await inFlight;
    expect([finished.status, finished.body.toString()]).toEqual([200, 'released']);

    await eventually(async () => (await api(proxy, 'GET', `/agents/${id}`)).status === 404);
    expect((await api(proxy, 'GET', '/routes')).json).toEqual([]);
    const gone = await send(`${proxy.url}/new`);
    expect([gone.status, gone.headers['x-harp-error']]).toEqual([404, 'no_route']);
  });

  it('drain leaves the rest of a pool serving', async () => {
    const proxy = await h.proxy();
    await h.agent(proxy, holdingBackend().handler, { name: 'old' });
    await h.agent(proxy, holdingBackend().handler, { name: 'new' });
    const agents = (await api(proxy, 'GET', '/agents')).json as Array<{ id: string; name: string }>;
    const old = agents.find((a) => a.name === 'old')!;
    expect((await api(proxy, 'POST', `/agents/${old.id}/drain`)).status).toBe(202);
    for (let i = 0; i < 4; i++) expect((await send(`${proxy.url}/r${i}`)).status).toBe(200);
    await eventually(async () => (await api(proxy, 'GET', '/agents')).json.length === 1);
    expect((await api(proxy, 'GET', '/agents')).json[0].name).toBe('new');
  });

  it('delete: the agent is disconnected at once and its route answers 404', async () => {
    // Without a grace: with one, the route would wait for the agent's reconnect.
    const proxy = await h.proxy({ routeGraceMs: 0 });
    const agent = await h.agent(proxy, holdingBackend().handler);
    const disconnected = new Promise<{ code: number }>((resolve) => agent.once('disconnected', resolve));
    const [{ id }] = (await api(proxy, 'GET', '/agents')).json;
    expect((await send(`${proxy.url}/before`)).status).toBe(200);

    const res = await api(proxy, 'DELETE', `/agents/${id}`);
    expect([res.status, res.text]).toEqual([204, '']);

    expect((await api(proxy, 'GET', `/agents/${id}`)).status).toBe(404);
    expect((await api(proxy, 'GET', '/agents')).json).toEqual([]);
    const after = await send(`${proxy.url}/after`);
    expect([after.status, after.headers['x-harp-error']]).toEqual([404, 'no_route']);
    expect((await disconnected).code).toBeGreaterThanOrEqual(4000);
  });

  it('delete fails the requests in flight with 502', async () => {
    const proxy = await h.proxy();
    const backend = holdingBackend();
    await h.agent(proxy, backend.handler);
    const [{ id }] = (await api(proxy, 'GET', '/agents')).json;
    const inFlight = send(`${proxy.url}/hold`);
    await backend.arrived(1);
    expect((await api(proxy, 'DELETE', `/agents/${id}`)).status).toBe(204);
    const res = await inFlight;
    expect([res.status, res.headers['x-harp-error']]).toEqual([502, 'agent_gone']);
  });
});

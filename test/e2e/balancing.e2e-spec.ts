import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentRoute } from '../../src/agent/agent-options.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi } from '../helpers/admin-api.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { outcome } from '../helpers/outcome-client.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';

// How a pool shares its requests, through real agents: each agent's backend answers with the
// agent's name, so every response says which member the proxy chose.

const HOST = 'pool.test';

/** A backend that answers its name, or holds `/hold` requests until released. */
function named(name: string) {
  const held: ServerResponse[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    req.resume();
    if (req.url === '/hold') held.push(res);
    else res.end(name);
  };
  return { handler, held, release: () => held.splice(0).forEach((res) => res.end(name)) };
}

describe('balancing across a pool', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function pool(proxy: HarpServer, members: Record<string, number>, route: AgentRoute = {}) {
    const backends = new Map<string, ReturnType<typeof named>>();
    for (const [name, weight] of Object.entries(members)) {
      const backend = named(name);
      backends.set(name, backend);
      await h.agent(proxy, backend.handler, { name, weight, routes: [{ host: HOST, path: '/', ...route }] });
    }
    return backends;
  }

  async function who(proxy: HarpServer, path = '/', headers: Record<string, string> = {}): Promise<string> {
    const res = await send(`${proxy.url}${path}`, { headers: { host: HOST, ...headers } });
    expect(res.status).toBe(200);
    return res.body.toString();
  }

  async function tally(proxy: HarpServer, times: number, headers: Record<string, string> = {}): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < times; i++) {
      const name = await who(proxy, '/', headers);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    return counts;
  }

  async function agentIds(proxy: HarpServer): Promise<Record<string, string>> {
    const { json } = await adminApi(proxy, 'GET', '/agents');
    return Object.fromEntries((json as Array<{ id: string; name: string }>).map((a) => [a.name, a.id]));
  }

  it('round robin (the default) takes three members strictly in turn', async () => {
    const proxy = await h.proxy();
    await pool(proxy, { a: 1, b: 1, c: 1 });
    const order: string[] = [];
    for (let i = 0; i < 12; i++) order.push(await who(proxy));
    expect(order.join('')).toBe('abcabcabcabc');
  });

  it('round robin with weights 3:1 gives exactly 3:1, interleaved', async () => {
    const proxy = await h.proxy();
    await pool(proxy, { heavy: 3, light: 1 });
    const order: string[] = [];
    for (let i = 0; i < 40; i++) order.push(await who(proxy));
    expect(order.filter((n) => n === 'heavy')).toHaveLength(30);
    // Smooth: the light member never waits more than three of the heavy one's turns.
    expect(order.join(' ')).not.toMatch(/(heavy ){4}/);
  });

  it('least-requests sends to the idle member while the other is busy', async () => {
    const proxy = await h.proxy();
    const backends = await pool(proxy, { a: 1, b: 1 }, { balance: 'least-requests' });
    // Park one request on whichever member takes it; the other answers /hold at once.
    const parked = outcome(`${proxy.url}/hold`, { headers: { host: HOST } });
    await eventually(() => backends.get('a')!.held.length + backends.get('b')!.held.length === 1, 3000, 'a parked request');
    const busy = backends.get('a')!.held.length === 1 ? 'a' : 'b';
    const idle = busy === 'a' ? 'b' : 'a';
    const ids = await agentIds(proxy);
    const inFlight = async (name: string) => {
      const { json } = await adminApi(proxy, 'GET', '/routes');
      return (json[0].members as Array<{ id: string; inFlight: number }>).find((m) => m.id === ids[name])!.inFlight;
    };
    expect(await inFlight(busy)).toBe(1);
    for (let i = 0; i < 10; i++) {
      expect(await who(proxy)).toBe(idle);
      await eventually(async () => (await inFlight(idle)) === 0, 3000, 'the idle member to be idle again');
    }
    backends.get(busy)!.release();
    expect((await parked).status).toBe(200);
  });

  it('least-requests with weights 3:1 gives about 3:1 to one request at a time', async () => {
    const proxy = await h.proxy();
    await pool(proxy, { heavy: 3, light: 1 }, { balance: 'least-requests' });
    const counts = await tally(proxy, 200);
    // Binomial(200, 3/4): mean 150, standard deviation about 6; ±25 is four of them.
    expect(counts.heavy).toBeGreaterThan(125);
    expect(counts.heavy).toBeLessThan(175);
    expect(counts.heavy! + counts.light!).toBe(200);
  });

  it('a sticky cookie keeps each client on one member; clients without it are balanced', async () => {
    const proxy = await h.proxy();
    await pool(proxy, { a: 1, b: 1, c: 1 }, { sticky: { cookie: 'sid' } });
    const homes = new Set<string>();
    for (let client = 0; client < 12; client++) {
      const cookie = `theme=dark; sid=session-${client}`;
      const seen = await tally(proxy, 5, { cookie });
      expect(Object.keys(seen)).toHaveLength(1);
      homes.add(Object.keys(seen)[0]!);
    }
    expect(homes.size).toBeGreaterThan(1); // twelve clients do not all hash to one member
    expect(await tally(proxy, 6)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('a sticky client moves only when its member leaves, and only then', async () => {
    const proxy = await h.proxy();
    const agents: Record<string, Awaited<ReturnType<Harness['agent']>>> = {};
    for (const name of ['a', 'b', 'c']) {
      agents[name] = await h.agent(proxy, named(name).handler, { name, routes: [{ host: HOST, path: '/', sticky: { header: 'x-user' } }] });
    }
    const users = Array.from({ length: 30 }, (_, i) => `user-${i}`);
    const before = new Map<string, string>();
    for (const user of users) before.set(user, await who(proxy, '/', { 'x-user': user }));
    const leaving = before.get(users[0]!)!;
    await agents[leaving]!.close(100);
    await eventually(async () => (await adminApi(proxy, 'GET', '/routes')).json[0].members.length === 2, 3000, 'the member to leave');
    for (const user of users) {
      const now = await who(proxy, '/', { 'x-user': user });
      if (before.get(user) === leaving) expect(now).not.toBe(leaving);
      else expect(now).toBe(before.get(user));
    }
  });
});

describe('passive health', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** An upstream on a port that can be closed and opened again. */
  async function revivable(name: string) {
    let server: Server | undefined;
    const open = async (port = 0): Promise<number> => {
      server = createServer((req, res) => {
        req.resume();
        res.end(name);
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    const close = () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
        server = undefined;
      });
    const port = await open();
    h.defer(close);
    return { url: `http://127.0.0.1:${port}`, close, reopen: () => open(port) };
  }

  it('ejects a member whose upstream is dead after 5 failures, and takes it back once it recovers', async () => {
    const backoffMs = 500;
    const proxy = await h.proxy({ ejectBaseMs: backoffMs });
    const sick = await revivable('sick');
    const well = await revivable('well');
    await h.agent(proxy, sick.url, { name: 'sick', routes: [{ host: HOST, path: '/' }] });
    await h.agent(proxy, well.url, { name: 'well', routes: [{ host: HOST, path: '/' }] });
    const { json: agents } = await adminApi(proxy, 'GET', '/agents');
    const sickId = (agents as Array<{ id: string; name: string }>).find((a) => a.name === 'sick')!.id;
    const sickHealth = async () => {
      const { json } = await adminApi(proxy, 'GET', '/routes');
      return json[0].members.find((m: { id: string }) => m.id === sickId).health;
    };
    await sick.close();

    // The sick member's upstream refuses connections, so its agent says the request never got
    // there (UpstreamUnreachable) and the proxy sends it to the other member: no client sees the
    // failure, but each counts towards the ejection, recorded before the retry is sent.
    let failures = 0;
    let requests = 0;
    while ((await sickHealth()).state === 'healthy' && requests < 20) {
      const res = await outcome(`${proxy.url}/`, { headers: { host: HOST } });
      requests++;
      expect([res.status, res.body.toString()]).toEqual([200, 'well']);
      failures = (await sickHealth()).consecutiveFailures;
    }
    expect([failures, requests]).toEqual([5, 5]); // the round robin starts every request at it
    const ejected = await sickHealth();
    expect(ejected).toEqual({ state: 'ejected', ejectedUntil: expect.any(String), consecutiveFailures: 5 });
    expect(Date.parse(ejected.ejectedUntil) - Date.now()).toBeLessThanOrEqual(backoffMs);

    // The other member serves everything while it is out.
    const during: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await outcome(`${proxy.url}/`, { headers: { host: HOST } });
      during.push(`${res.status} ${res.body.toString()}`);
    }
    expect(during).toEqual(Array(10).fill('200 well'));
    const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(sampleValue(metrics, 'harp_member_ejections_total', { route: `${HOST}/` })).toBe(1);
    expect(sampleValue(metrics, 'harp_members_ejected', { route: `${HOST}/` })).toBe(1);

    // Recovered and past its backoff, its trial request succeeds and it serves again.
    await sick.reopen();
    await eventually(async () => (await sickHealth()).state === 'half-open', backoffMs * 4, 'the backoff to pass');
    const after: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await outcome(`${proxy.url}/`, { headers: { host: HOST } });
      expect(res.status).toBe(200);
      after.push(res.body.toString());
    }
    expect(after).toContain('sick');
    await eventually(async () => (await sickHealth()).state === 'healthy', 3000, 'the member to be back');
    const back = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
    expect(sampleValue(back, 'harp_member_returns_total', { route: `${HOST}/` })).toBe(1);
    expect(sampleValue(back, 'harp_members_ejected', { route: `${HOST}/` })).toBeUndefined();
  });

  it('uses every member when every member is ejected', async () => {
    const proxy = await h.proxy({ ejectAfterFailures: 1, ejectBaseMs: 60_000 });
    const only = await revivable('only');
    await h.agent(proxy, only.url, { name: 'only', routes: [{ host: HOST, path: '/' }] });
    await only.close();
    expect((await outcome(`${proxy.url}/`, { headers: { host: HOST } })).status).toBe(502);
    await eventually(async () => (await adminApi(proxy, 'GET', '/routes')).json[0].members[0].health.state === 'ejected');
    await only.reopen();
    // Ejected for a minute, yet the pool is not dead: its only member still gets the request.
    const res = await outcome(`${proxy.url}/`, { headers: { host: HOST } });
    expect([res.status, res.body.toString()]).toEqual([200, 'only']);
  });
});

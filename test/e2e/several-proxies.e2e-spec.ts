import { once } from 'node:events';
import { connect, startAgent } from '../../src/agent/connect.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { outcome } from '../helpers/outcome-client.js';
import { SteadyLoad } from '../helpers/steady-load.js';
import { proxySessions } from '../helpers/tunnels.js';

// One agent connected to two proxies registers its routes on both, so that losing either one
// loses no route: each connection lives, reconnects, drains and closes on its own.

describe('an agent connected to two proxies', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function setUp(): Promise<{ a: HarpServer; b: HarpServer; agent: HarpAgent; slowArrived: () => number }> {
    const a = await h.proxy();
    const b = await h.proxy();
    let slow = 0;
    const upstream = await h.upstream((req, res) => {
      if (!req.url!.startsWith('/slow')) return void res.end(`ok ${req.url}`);
      slow++;
      setTimeout(() => res.end('slow answer'), 500);
    });
    const agent = await connect({
      server: [a.url, b.url],
      key: TEST_KEY,
      upstream: upstream.url,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    h.defer(() => agent.close(100));
    // connect() resolves on the first registration; the second follows on its own.
    await eventually(() => proxySessions(a) === 1 && proxySessions(b) === 1, 5000, 'a session on each proxy');
    await eventually(async () => (await send(`${a.url}/x`)).status === 200 && (await send(`${b.url}/x`)).status === 200, 5000, 'both routes');
    return { a, b, agent, slowArrived: () => slow };
  }

  it('is served through either proxy, and reports each registration once', async () => {
    const a = await h.proxy();
    const b = await h.proxy();
    const upstream = await h.upstream((req, res) => res.end(`ok ${req.url}`));
    const { agent, ready } = await startAgent({ server: [a.url, b.url], key: TEST_KEY, upstream: upstream.url, reconnect: false });
    h.defer(() => agent.close(100));
    const readies: string[] = [];
    const registrations: string[] = [];
    agent.on('ready', (info) => readies.push(info.server));
    agent.on('registered', (info) => registrations.push(info.server));
    const first = await ready;
    await eventually(() => registrations.length === 2, 5000, 'a registration on each proxy');
    expect(proxySessions(a)).toBe(1);
    expect(proxySessions(b)).toBe(1);
    expect((await send(`${a.url}/from-a`)).body.toString()).toBe('ok /from-a');
    expect((await send(`${b.url}/from-b`)).body.toString()).toBe('ok /from-b');
    // `ready` once, for whichever proxy registered first; the other one only `registered`.
    expect(readies).toEqual([first.server]);
    expect(registrations[0]).toBe(first.server);
    expect([...registrations].sort()).toEqual([a.url, b.url].sort());
  });

  it('keeps serving through one proxy, failing no request, while the other shuts down', async () => {
    const { a, b, agent } = await setUp();
    const disconnects: string[] = [];
    agent.on('disconnected', (info) => disconnects.push(info.server));
    const load = new SteadyLoad(`${b.url}/load`, 6, 'ok /load');
    await sleep(200);
    await a.close();
    await eventually(() => disconnects.includes(a.url), 5000, 'the lost connection to a');
    await sleep(300);
    await load.stop();
    expect(`${load.failures.length} failed: ${JSON.stringify(load.failures.slice(0, 3))}`).toBe('0 failed: []');
    expect(load.ok).toBeGreaterThan(50);
    expect(disconnects.every((server) => server === a.url)).toBe(true);
  });

  it('reconnects to a proxy that comes back on the same port', async () => {
    const { a, b, agent } = await setUp();
    await a.close();
    const registeredAgain = new Promise<string>((resolve) => agent.on('registered', (info) => resolve(info.server)));
    const back = await h.proxy({ port: a.port });
    expect(await registeredAgain).toBe(a.url);
    expect((await send(`${back.url}/again`)).body.toString()).toBe('ok /again');
    expect((await send(`${b.url}/still`)).body.toString()).toBe('ok /still');
  });

  it('drains both connections on close(), finishing the requests in flight on each', async () => {
    const { a, b, agent, slowArrived } = await setUp();
    const slowA = outcome(`${a.url}/slow-a`);
    const slowB = outcome(`${b.url}/slow-b`);
    await eventually(() => slowArrived() === 2, 5000, 'both slow requests at the upstream');
    const closed = once(agent, 'closed');
    await agent.close(5000);
    await closed;
    for (const result of await Promise.all([slowA, slowB])) {
      expect(result).toMatchObject({ status: 200, complete: true });
      expect(result.body.toString()).toBe('slow answer');
    }
    // Both proxies saw the drain and the close: neither holds a session for the agent.
    await eventually(() => proxySessions(a) === 0 && proxySessions(b) === 0, 3000, 'no session left');
  });

  it('leaves only the proxy that drains it, and keeps serving through the other', async () => {
    const { a, b, agent } = await setUp();
    const stops: string[] = [];
    agent.on('drain', (reason, server) => stops.push(`drain ${reason} ${server}`));
    agent.on('closed', () => stops.push('closed'));
    const registration = a.app.get(RegistrationService);
    registration.drain(registration.list()[0]!, 'maintenance');
    await eventually(() => proxySessions(a) === 0, 5000, 'the drained session gone from a');
    await sleep(300); // no reconnect to a follows
    expect(proxySessions(a)).toBe(0);
    expect(stops).toEqual([`drain maintenance ${a.url}`]);
    expect((await send(`${b.url}/after`)).body.toString()).toBe('ok /after');

    // The last proxy's drain stops the agent.
    const closed = once(agent, 'closed');
    const other = b.app.get(RegistrationService);
    other.drain(other.list()[0]!, 'maintenance');
    await closed;
    expect(stops).toEqual([`drain maintenance ${a.url}`, `drain maintenance ${b.url}`, 'closed']);
  });
});

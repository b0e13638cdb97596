import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, TEST_REDIS_URL } from '../helpers/redis.js';
import { closedPort } from '../helpers/ports.js';

// Liveness and readiness (@nestjs/terminus), open to load balancers whatever the admin rule.

const redisUp = await redisAvailableOrFail();
const itWithRedis = redisUp ? it : it.skip;

async function json(url: string) {
  const res = await send(url);
  return { status: res.status, headers: res.headers, body: JSON.parse(res.body.toString()) };
}

/** A TCP server that accepts connections and never answers: a stalled Redis. */
async function silentServer(h: Harness): Promise<string> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  h.defer(
    () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  );
  return `redis://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('health endpoints', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('healthz: 200 with status, uptime, agents and routes, never cached', async () => {
    const proxy = await h.proxy({ adminToken: 'admin-token-0123456789' });
    await h.agent(proxy, (_req, res) => res.end('ok'), { routes: [{ path: '/a' }, { path: '/b' }] });
    const res = await json(`${proxy.url}/_harp/healthz`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number), agents: 1, routes: 2 });
    expect(res.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });

  it('readyz: 200 without Redis configured, with nothing to check', async () => {
    const proxy = await h.proxy();
    const res = await json(`${proxy.url}/_harp/readyz`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      details: { proxy: { status: 'up' }, redis: { status: 'up', configured: false } },
    });
  });

  itWithRedis('readyz: 200 when the configured Redis answers a PING', async () => {
    const proxy = await h.proxy({ redisUrl: TEST_REDIS_URL });
    const res = await json(`${proxy.url}/_harp/readyz`);
    expect(res.status).toBe(200);
    expect(res.body.details.redis).toEqual({ status: 'up', configured: true, pingMs: expect.any(Number) });
  });

  it('readyz: 503 when the configured Redis refuses connections; healthz stays 200', async () => {
    const proxy = await h.proxy({ redisUrl: `redis://127.0.0.1:${await closedPort()}` });
    const res = await json(`${proxy.url}/_harp/readyz`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'error', error: { redis: { status: 'down', configured: true } } });
    expect((await send(`${proxy.url}/_harp/healthz`)).status).toBe(200);
  });

  it('readyz: 503 within about a second when the configured Redis stalls', async () => {
    const proxy = await h.proxy({ redisUrl: await silentServer(h) });
    const started = Date.now();
    const res = await json(`${proxy.url}/_harp/readyz`);
    expect(res.status).toBe(503);
    expect(res.body.details.redis).toMatchObject({ status: 'down', configured: true, message: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

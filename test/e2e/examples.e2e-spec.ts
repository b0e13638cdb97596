import { ExampleProcess } from '../helpers/example-process.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// examples/ run as real processes against a real proxy, as their READMEs say, so that they
// keep working as the library changes.

describe('examples', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function start(name: string, ready: RegExp, env: Record<string, string> = {}) {
    // No grace period: once the example has gone, its route answers 404 at once.
    const proxy = await h.proxy({ routeGraceMs: 0, publicDomain: 'tunnel.test' });
    const example = await ExampleProcess.start(name, { PROXY_URL: proxy.url, HARP_KEY: TEST_KEY, ...env }, ready);
    h.defer(() => example.stop('SIGKILL'));
    return { proxy, example };
  }

  it('express-app answers through HARP and drains on SIGTERM', async () => {
    const { proxy, example } = await start('express-app', /serving through/);

    const hello = await send(`${proxy.url}/`);
    expect(hello.status).toBe(200);
    expect(hello.body.toString()).toBe('hello from an Express app behind HARP\n');
    expect(JSON.parse((await send(`${proxy.url}/time`)).body.toString())).toEqual({ now: expect.any(String) });

    expect(await example.stop()).toEqual({ code: 0, signal: null });
    // A path never asked before: the proxy's cache may still answer one it has seen (stale-offline).
    expect((await send(`${proxy.url}/gone`)).headers['x-harp-error']).toBe('no_route');
  });

  it('nest-backend answers and reports its tunnel healthy through HARP, and drains on SIGTERM', async () => {
    const { proxy, example } = await start('nest-backend', /serving \*\/ through HARP/);

    const hello = await send(`${proxy.url}/?name=harp`);
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body.toString())).toEqual({ hello: 'harp' });
    const health = await send(`${proxy.url}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toMatchObject({ status: 'ok', info: { harp: { status: 'up', routes: ['*/'] } } });

    // Nest's shutdown hooks close the application, then raise the signal again to end.
    const ended = await example.stop();
    expect(ended.code === 0 || ended.signal === 'SIGTERM').toBe(true);
    expect(example.err).toBe('');
    expect((await send(`${proxy.url}/gone`)).headers['x-harp-error']).toBe('no_route');
  });

  it('temporary-service answers at a generated name until its ttl is up, then exits 0', async () => {
    const { proxy, example } = await start('temporary-service', /temporary service at /, { TTL: '3s' });
    const url = /temporary service at (\S+) for 3s/.exec(example.out)?.[1];
    expect(url).toMatch(new RegExp(`^http://[a-z]+-[a-z]+-[a-z0-9]{6}\\.tunnel\\.test:${proxy.port}/$`));
    const host = new URL(url!).hostname;

    const page = await send(`${proxy.url}/hello`, { headers: { host } });
    expect(page.status).toBe(200);
    expect(page.body.toString()).toMatch(/^a temporary service, up since .*; you asked for \/hello\n$/);
    // Another host is not the service's: the name is all there is to it.
    expect((await send(`${proxy.url}/hello`, { headers: { host: 'other.tunnel.test' } })).headers['x-harp-error']).toBe('no_route');

    expect(await example.exited).toEqual({ code: 0, signal: null });
    expect(example.out).toContain('its time is up');
    expect((await send(`${proxy.url}/later`, { headers: { host } })).headers['x-harp-error']).toBe('no_route');
  });
});

import { once } from 'node:events';
import { createServer, connect as tcpConnect } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { connect } from '../../src/agent/connect.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { outcome, type Outcome } from '../helpers/outcome-client.js';
import { startProxyProcess } from '../helpers/proxy-process.js';
import type { ProxyProcess } from '../helpers/proxy-process.js';

// The proxy's graceful shutdown (docs/operations.md, "Stopping the proxy"), on the real process
// where signals and exit statuses matter, and in-process where only the agents' side does.

const bodyOf = (path: string): string => `${path}:${'x'.repeat(100_000)}`;

describe('stopping the proxy process', () => {
  const h = new Harness();
  let proxy: ProxyProcess | undefined;

  afterEach(async () => {
    if (proxy && proxy.child.exitCode === null && proxy.child.signalCode === null) {
      proxy.child.kill('SIGKILL');
      await proxy.exited;
    }
    proxy = undefined;
    await h.closeAll();
  });

  /** An event stream through `proxyUrl` whose upstream never ends it; resolves once it is open. */
  async function openEndlessStream(proxyUrl: string): Promise<{ ended: Promise<Outcome> }> {
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: hello\n\n');
    });
    await agentFor(proxyUrl, upstream.url);
    let opened = false;
    const stream = outcome(`${proxyUrl}/events`, { onResponse: () => (opened = true) });
    await eventually(() => opened, 5000, 'the event stream open');
    return { ended: stream };
  }

  async function agentFor(url: string, upstream: string): Promise<HarpAgent> {
    const agent = await connect({ server: url, key: TEST_KEY, upstream, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    h.defer(() => agent.close(100));
    return agent;
  }

  async function readiness(url: string): Promise<number> {
    try {
      return (await send(`${url}/_harp/readyz`)).status;
    } catch {
      return 0;
    }
  }

  it('on SIGTERM reports not ready at once, lets 20 requests in flight finish whole, and exits 0 by itself', async () => {
    proxy = await startProxyProcess({ HARP_SHUTDOWN_DELAY_MS: '1000', HARP_SHUTDOWN_TIMEOUT_MS: '20000' });
    let arrived = 0;
    const upstream = await h.upstream((req, res) => {
      arrived++;
      setTimeout(() => res.end(bodyOf(req.url!)), 2000);
    });
    await agentFor(proxy.url, upstream.url);
    expect(await readiness(proxy.url)).toBe(200);
    // Each asks to keep its connection: the proxy must answer `close` once it is stopping.
    const requests = Array.from({ length: 20 }, (_, i) => outcome(`${proxy!.url}/r/${i}`, { headers: { connection: 'keep-alive' } }));
    await eventually(() => arrived === 20, 5000, 'all 20 requests at the upstream');

    const signalled = performance.now();
    proxy.child.kill('SIGTERM');
    // During shutdownDelayMs the listener still accepts: a load balancer's probe gets its 503.
    await eventually(async () => (await readiness(proxy!.url)) === 503, 900, 'readyz 503');
    const ready = await send(`${proxy.url}/_harp/readyz`);
    expect(JSON.parse(ready.body.toString())).toMatchObject({ status: 'shutting_down', error: { shutdown: { message: 'the proxy is shutting down' } } });
    expect((await send(`${proxy.url}/_harp/healthz`)).status).toBe(200);

    const results = await Promise.all(requests);
    results.forEach((result, i) => {
      expect(result).toMatchObject({ status: 200, complete: true });
      expect(result.body.toString()).toBe(bodyOf(`/r/${i}`));
      expect(result.headers.connection).toBe('close');
    });
    expect(await proxy.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeLessThan(8000); // the timeout is 20 s
    const messages = proxy.messages();
    expect(messages).toContain('shutting down: readiness answers 503; the listener closes in 1000 ms');
    expect(messages).toContain('listener closed; 20 request(s)/stream(s) in flight, waiting up to 20000 ms');
    expect(messages).toContain('shutdown drained: nothing left in flight');
    expect(messages.indexOf('shutdown drained: nothing left in flight')).toBeGreaterThan(messages.indexOf('listener closed; 20 request(s)/stream(s) in flight, waiting up to 20000 ms'));
  }, 30_000);

  it('cuts an event stream that never ends after shutdownTimeoutMs, says so, and exits 0', async () => {
    proxy = await startProxyProcess({ HARP_SHUTDOWN_TIMEOUT_MS: '500' });
    const { ended: stream } = await openEndlessStream(proxy.url);

    const signalled = performance.now();
    proxy.child.kill('SIGTERM');
    const result = await stream;
    expect(result).toMatchObject({ status: 200, complete: false });
    expect(result.body.toString()).toBe('data: hello\n\n');
    expect(await proxy.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalled).toBeGreaterThanOrEqual(450);
    expect(proxy.messages()).toContain('shutdownTimeoutMs passed: cut 1 request(s)/stream(s) still in flight');
  }, 30_000);

  it('exits at once, with status 143, on a second SIGTERM during the drain', async () => {
    proxy = await startProxyProcess({ HARP_SHUTDOWN_TIMEOUT_MS: '20000' });
    const { ended: stream } = await openEndlessStream(proxy.url);

    proxy.child.kill('SIGTERM');
    await eventually(() => proxy!.messages().some((m) => m.startsWith('listener closed; 1 request(s)')), 5000, 'the drain under way');
    const again = performance.now();
    proxy.child.kill('SIGTERM');
    expect(await proxy.exited).toEqual({ code: 143, signal: null });
    expect(performance.now() - again).toBeLessThan(1000);
    expect(proxy.stderr()).toContain('harp: SIGTERM during shutdown; exiting now (status 143)');
    expect((await stream).complete).toBe(false);
  }, 30_000);
});

/** A TCP forwarder, as a load balancer in front of several proxies: the target can change. */
async function forwarder(initial: number): Promise<{ url: string; target: { port: number }; server: NetServer }> {
  const target = { port: initial };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const next = tcpConnect(target.port, '127.0.0.1');
    for (const s of [client, next]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(next).pipe(client);
    client.on('close', () => next.destroy());
    next.on('close', () => client.destroy());
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, target, server };
}

describe('agents of a proxy that shuts down', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('get goaway, register through the same address on another proxy, and finish their stream on the old one', async () => {
    const b = await h.proxy();
    const a = await startHarpServer({ env: {}, overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY }, logger: false });
    const lb = await forwarder(a.port);
    h.defer(() => new Promise((resolve) => lb.server.close(resolve)));
    let slowArrived = false;
    const upstream = await h.upstream((req, res) => {
      if (req.url !== '/slow') return void res.end('fast answer');
      slowArrived = true;
      setTimeout(() => res.end('slow answer'), 1000);
    });
    const agent = await connect({ server: lb.url, key: TEST_KEY, upstream: upstream.url });
    h.defer(() => agent.close(100));
    const stopped: string[] = [];
    agent.on('drain', () => stopped.push('drain'));
    agent.on('closed', () => stopped.push('closed'));
    expect(a.app.get(RegistrationService).list()).toHaveLength(1);

    const slow = outcome(`${a.url}/slow`);
    await eventually(() => slowArrived, 5000, 'the slow request at the upstream');
    lb.target.port = b.port; // the load balancer now sends new connections to b
    const goaway = once(agent, 'goaway');
    const readyAgain = once(agent, 'ready');
    const closing = a.close();
    expect(await goaway).toEqual(['proxy shutting down', lb.url]);
    await readyAgain;
    expect(b.app.get(RegistrationService).list()).toHaveLength(1);
    expect((await send(`${b.url}/fast`)).body.toString()).toBe('fast answer');

    const result = await slow;
    expect(result).toMatchObject({ status: 200, complete: true });
    expect(result.body.toString()).toBe('slow answer');
    await closing;
    expect(stopped).toEqual([]);
    expect((await send(`${b.url}/fast`)).body.toString()).toBe('fast answer');
  });

  it('reconnect with backoff when the proxy going away was the only one', async () => {
    const a = await startHarpServer({ env: {}, overrides: { port: 0, host: '127.0.0.1', key: TEST_KEY }, logger: false });
    const upstream = await h.upstream((_req, res) => res.end('ok'));
    const agent = await connect({ server: a.url, key: TEST_KEY, upstream: upstream.url, reconnect: { initialDelayMs: 50, maxDelayMs: 100 } });
    h.defer(() => agent.close(100));
    const retries: Array<number | undefined> = [];
    agent.on('disconnected', (info) => retries.push(info.delayMs));
    const goaway = once(agent, 'goaway');
    await a.close();
    await goaway;
    // The replacement is refused (the listener is closed); the agent keeps trying, as after any loss.
    await eventually(() => retries.length >= 2, 3000, 'two reconnect attempts');
    expect(retries.every((ms) => typeof ms === 'number')).toBe(true);
  });
});

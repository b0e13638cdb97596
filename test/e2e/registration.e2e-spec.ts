import { WebSocket } from 'ws';
import { AgentRejectedError, connect, startAgent } from '../../src/agent/connect.js';
import type { AgentReady, HarpAgent } from '../../src/agent/harp-agent.js';
import { CloseCode, decodeFrame, encodeControl, FrameType, SUBPROTOCOL } from '../../src/protocol/index.js';
import type { AgentControl } from '../../src/protocol/index.js';
import { RegistrationService } from '../../src/registration/registration.service.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { outcome } from '../helpers/outcome-client.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

const API_KEY = 'api-key-0123456789';
const TEAM_A = 'team-a-key-0123456789';
const TEAM_B = 'team-b-key-0123456789';

interface Closed {
  code: number;
  reason: string;
}

/**
 * A bare `ws` client that speaks only hello and register; `autoPong: false` makes it a peer
 * that stops answering pings while its TCP connection stays up.
 */
class BareAgent {
  readonly controls: Array<Record<string, unknown>> = [];
  readonly closed: Promise<Closed>;

  constructor(readonly socket: WebSocket) {
    socket.on('error', () => undefined); // closes are asserted through `closed`
    socket.on('message', (data: Buffer) => {
      const frame = decodeFrame(data);
      if (frame.type === FrameType.Control) this.controls.push(frame.message as Record<string, unknown>);
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(proxy: HarpServer, options: { autoPong?: boolean } = {}): Promise<BareAgent> {
    const socket = new WebSocket(`ws://127.0.0.1:${proxy.port}/_harp/connect`, SUBPROTOCOL, {
      perMessageDeflate: false,
      autoPong: options.autoPong ?? true,
    });
    const agent = new BareAgent(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return agent;
  }

  sendControl(message: AgentControl): void {
    this.socket.send(encodeControl(message));
  }

  async control(type: string, timeoutMs = 2000): Promise<Record<string, unknown>> {
    let found: Record<string, unknown> | undefined;
    await eventually(() => (found = this.controls.find((m) => m.type === type)) !== undefined, timeoutMs, `a ${type} control message`);
    return found!;
  }

  async register(key: string, routes: Array<{ host: string; path: string }>): Promise<Record<string, unknown>> {
    this.sendControl({ type: 'hello', protocol: 1, key, name: 'bare' });
    await this.control('welcome');
    this.sendControl({ type: 'register', id: 7, routes });
    return this.control('registered');
  }
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('agent registration', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** An agent started with `startAgent`, closed by the harness; resolves with what the proxy said. */
  async function agentWith(
    proxy: HarpServer,
    key: string,
    routes: Array<{ host?: string; path?: string }>,
    name: string,
  ): Promise<{ agent: HarpAgent; ready: AgentReady }> {
    const { agent, ready } = await startAgent({
      server: proxy.url,
      key,
      routes,
      handler: (req, res) => res.end(`${name} ${req.url}`),
      reconnect: false,
    });
    h.defer(() => agent.close(100));
    return { agent, ready: await ready };
  }

  describe('keys', () => {
    it('a wrong key makes connect() reject with AgentRejectedError carrying the proxy reason', async () => {
      const proxy = await h.proxy();
      const upstream = await h.upstream((_req, res) => res.end());
      const attempt = connect({ server: proxy.url, key: 'not-the-key', upstream: upstream.url, reconnect: false });
      const error = await attempt.then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(AgentRejectedError);
      expect(error).toMatchObject({ code: 'key_rejected', reason: 'the key is not accepted by this proxy' });
      expect((error as Error).message).toContain('the key is not accepted by this proxy');
    });

    it('a wrong key closes the WebSocket with 4401, and the agent does not retry', async () => {
      const proxy = await h.proxy();
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: 'not-the-key',
        handler: (_req, res) => res.end(),
        reconnect: { initialDelayMs: 10, maxDelayMs: 10 },
      });
      h.defer(() => agent.close(0));
      const disconnected = new Promise<{ code: number; delayMs?: number }>((resolve) => agent.once('disconnected', resolve));
      await expect(ready).rejects.toBeInstanceOf(AgentRejectedError);
      const info = await within(disconnected, 2000, 'the close');
      expect(info.code).toBe(CloseCode.Unauthorized);
      expect(info.delayMs).toBeUndefined();
      await sleep(100);
      expect(proxy.app.get(RegistrationService).list()).toEqual([]);
    });

    // Regression: after a rejection the agent was marked stopped, so close() returned at once
    // and its handler's private upstream server stayed open (Jest hung on the open handle).
    it('a rejected agent stops for good: it emits closed, having closed its upstream', async () => {
      const proxy = await h.proxy();
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: 'not-the-key',
        handler: (_req, res) => res.end(),
        reconnect: false,
      });
      const closed = new Promise<void>((resolve) => agent.once('closed', resolve));
      h.defer(() => agent.close(0));
      await expect(ready).rejects.toMatchObject({ code: 'key_rejected' });
      await within(closed, 2000, 'the closed event');
    });

    it('a bare client with a wrong key gets `rejected` and then the 4401 close', async () => {
      const proxy = await h.proxy();
      const bare = await BareAgent.open(proxy);
      h.defer(() => bare.socket.terminate());
      bare.sendControl({ type: 'hello', protocol: 1, key: 'wrong' });
      expect(await bare.control('rejected')).toMatchObject({ code: 'key_rejected' });
      expect((await within(bare.closed, 2000, 'the close')).code).toBe(4401);
    });

    it('a connection that never says hello is closed with 4408 once the hello timeout passes', async () => {
      const proxy = await h.proxy();
      proxy.app.get(RegistrationService).helloTimeoutMs = 200;
      const started = Date.now();
      const bare = await BareAgent.open(proxy);
      h.defer(() => bare.socket.terminate());
      expect(proxy.app.get(RegistrationService).list()).toHaveLength(1);
      const closed = await within(bare.closed, 2000, 'the hello timeout');
      expect(closed.code).toBe(CloseCode.HelloTimeout);
      expect(Date.now() - started).toBeGreaterThanOrEqual(180);
      await sleep(50);
      expect(proxy.app.get(RegistrationService).list()).toEqual([]);
    });

    it('a connection that says hello in time is not closed by the hello timer', async () => {
      const proxy = await h.proxy();
      proxy.app.get(RegistrationService).helloTimeoutMs = 200;
      const bare = await BareAgent.open(proxy);
      h.defer(() => bare.socket.terminate());
      await bare.register(TEST_KEY, [{ host: '*', path: '/bare' }]);
      const early = await Promise.race([bare.closed, sleep(500).then(() => 'open')]);
      expect(early).toBe('open');
    });
  });

  describe('key rules', () => {
    const rules = {
      keys: [
        { id: 'api', key: API_KEY, hosts: ['^api\\.example\\.com$'], paths: ['/', '/v[0-9]+(/.*)?'] },
        { id: 'team-a', key: TEAM_A, hosts: ['.*'], paths: ['.*'] },
        { id: 'team-b', key: TEAM_B, hosts: ['.*'], paths: ['.*'] },
      ],
    };

    it('a key limited to ^api\\.example\\.com$ cannot claim other hosts or paths (route_forbidden)', async () => {
      const proxy = await h.proxy(rules);
      const { ready } = await agentWith(
        proxy,
        API_KEY,
        [
          { host: 'api.example.com', path: '/' },
          { host: 'API.Example.com', path: '/v2' },
          { host: 'evil.com', path: '/' },
          { host: 'api.example.com.evil.com', path: '/' },
          { host: '*.example.com', path: '/' },
          { host: '*', path: '/' },
          { host: 'api.example.com', path: '/admin' },
        ],
        'api',
      );
      expect(ready.accepted).toMatchObject([
        { host: 'api.example.com', path: '/' },
        { host: 'api.example.com', path: '/v2' },
      ]);
      expect(ready.rejected.map((r) => [r.host, r.path, r.code])).toEqual([
        ['evil.com', '/', 'route_forbidden'],
        ['api.example.com.evil.com', '/', 'route_forbidden'],
        ['*.example.com', '/', 'route_forbidden'],
        ['*', '/', 'route_forbidden'],
        ['api.example.com', '/admin', 'route_forbidden'],
      ]);
      expect(ready.rejected[0]!.reason).toContain('"api"');
      // The forbidden host has no route; the allowed one is served.
      const evil = await send(`${proxy.url}/`, { headers: { host: 'evil.com' } });
      expect([evil.status, evil.headers['x-harp-error']]).toEqual([404, 'no_route']);
      const api = await send(`${proxy.url}/v2/x`, { headers: { host: 'api.example.com' } });
      expect(api.body.toString()).toBe('api /v2/x');
    });

    it('the single `key` setting still works next to the rules and may claim anything', async () => {
      const proxy = await h.proxy(rules);
      const { ready } = await agentWith(proxy, TEST_KEY, [{ host: 'evil.com', path: '/' }], 'default');
      expect(ready.rejected).toEqual([]);
    });

    it('a route owned by another key is refused (route_owned); the same key joins the pool, round-robin', async () => {
      const proxy = await h.proxy(rules);
      const route = { host: 'shop.example.com', path: '/' };
      const a1 = await agentWith(proxy, TEAM_A, [route], 'a1');
      expect(a1.ready.accepted).toMatchObject([route]);

      const b = await agentWith(proxy, TEAM_B, [route, { host: 'b.example.com', path: '/' }], 'b');
      expect(b.ready.accepted).toMatchObject([{ host: 'b.example.com', path: '/' }]);
      expect(b.ready.rejected.map((r) => [r.host, r.path, r.code])).toEqual([['shop.example.com', '/', 'route_owned']]);
      expect(b.ready.rejected[0]!.reason).not.toContain('team-a'); // the owner is not disclosed

      const a2 = await agentWith(proxy, TEAM_A, [{ host: 'SHOP.example.com', path: '/' }], 'a2');
      expect(a2.ready.accepted).toMatchObject([route]);

      const served: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await send(`${proxy.url}/p${i}`, { headers: { host: 'shop.example.com' } });
        served.push(res.body.toString().split(' ')[0]!);
      }
      expect(served.filter((s) => s === 'a1')).toHaveLength(3);
      expect(served.filter((s) => s === 'a2')).toHaveLength(3);
      for (let i = 1; i < served.length; i++) expect(served[i]).not.toBe(served[i - 1]);
      expect(served).not.toContain('b');
    });

    it('a route is released for any key once every agent of its owner is gone', async () => {
      // Without a grace: at once (route-grace.e2e-spec.ts covers the grace).
      const proxy = await h.proxy({ ...rules, routeGraceMs: 0 });
      const route = { host: 'shop.example.com', path: '/' };
      const a = await agentWith(proxy, TEAM_A, [route], 'a');
      await a.agent.close(0);
      await sleep(100);
      const b = await agentWith(proxy, TEAM_B, [route], 'b');
      expect(b.ready.accepted).toMatchObject([route]);
      const res = await send(`${proxy.url}/`, { headers: { host: 'shop.example.com' } });
      expect(res.body.toString()).toBe('b /');
    });
  });

  describe('heartbeats', () => {
    it('an agent that stops answering pings is dropped after about two intervals; its route then answers 404', async () => {
      const proxy = await h.proxy({ heartbeatMs: 100, routeGraceMs: 0 });
      const bare = await BareAgent.open(proxy, { autoPong: false });
      h.defer(() => bare.socket.terminate());
      const registered = await bare.register(TEST_KEY, [{ host: '*', path: '/silent' }]);
      expect(registered.accepted).toEqual([{ host: '*', path: '/silent' }]);
      const registeredAt = Date.now();
      const health = await send(`${proxy.url}/_harp/healthz`);
      expect(JSON.parse(health.body.toString())).toMatchObject({ agents: 1, routes: 1 });

      const closed = await within(bare.closed, 1500, 'the heartbeat drop');
      const after = Date.now() - registeredAt;
      expect(closed.code).toBe(CloseCode.HeartbeatTimeout);
      expect(after).toBeGreaterThanOrEqual(150);
      expect(after).toBeLessThan(1000);
      const res = await send(`${proxy.url}/silent/x`);
      expect([res.status, res.headers['x-harp-error']]).toEqual([404, 'no_route']);
      expect(JSON.parse((await send(`${proxy.url}/_harp/healthz`)).body.toString())).toMatchObject({ agents: 0, routes: 0 });
    });

    it('an agent that answers pings stays registered across many intervals', async () => {
      const proxy = await h.proxy({ heartbeatMs: 100 });
      const { agent } = await agentWith(proxy, TEST_KEY, [{ path: '/alive' }], 'alive');
      let disconnected = false;
      agent.on('disconnected', () => (disconnected = true));
      await sleep(700);
      expect(disconnected).toBe(false);
      const res = await send(`${proxy.url}/alive`);
      expect(res.body.toString()).toBe('alive /alive');
      const [session] = proxy.app.get(RegistrationService).list();
      expect(session!.rttMs).toBeGreaterThanOrEqual(0);
    });
  });

  describe('drain', () => {
    it('stops new traffic to the agent while its in-flight request completes, then closes it', async () => {
      // With a grace, a request that finds only draining members waits for a replacement
      // (route-grace.e2e-spec.ts); without one it is refused at once, which is what this shows.
      const proxy = await h.proxy({ routeGraceMs: 0 });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const inFlight = new Promise<void>((resolve) => (started = resolve));
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: TEST_KEY,
        routes: [{ path: '/' }],
        handler: (req, res) => {
          if (req.url !== '/hold') return void res.end('quick');
          res.writeHead(200, { 'Content-Length': '10' });
          res.write('first');
          started();
          void released.then(() => res.end('-last'));
        },
        reconnect: false,
      });
      h.defer(() => agent.close(100));
      const { agentId } = await ready;
      const disconnected = new Promise<{ code: number }>((resolve) => agent.once('disconnected', resolve));
      const drainSeen = new Promise<string | undefined>((resolve) => agent.once('drain', resolve));

      const held = send(`${proxy.url}/hold`);
      await inFlight;
      const registration = proxy.app.get(RegistrationService);
      registration.drain(registration.get(agentId)!, 'rolling update');
      expect(await within(drainSeen, 1000, 'the drain message')).toBe('rolling update');

      const refused = await send(`${proxy.url}/new`);
      expect([refused.status, refused.headers['x-harp-error']]).toEqual([503, 'no_backend']);

      release();
      const done = await held;
      expect([done.status, done.body.toString()]).toEqual([200, 'first-last']);
      expect((await within(disconnected, 2000, 'the close after the drain')).code).toBe(CloseCode.Normal);
      await sleep(50);
      expect(registration.list()).toEqual([]);
      expect((await send(`${proxy.url}/new`)).status).toBe(404);
    });

    it('closes a draining agent after drainTimeoutMs even while a stream stays open', async () => {
      const proxy = await h.proxy({ drainTimeoutMs: 300 });
      let started!: () => void;
      const inFlight = new Promise<void>((resolve) => (started = resolve));
      const { agent, ready } = await startAgent({
        server: proxy.url,
        key: TEST_KEY,
        routes: [{ path: '/' }],
        handler: (_req, res) => {
          // An event stream that never ends.
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.write('data: first\n\n');
          started();
        },
        reconnect: false,
      });
      h.defer(() => agent.close(100));
      const { agentId } = await ready;
      const disconnected = new Promise<{ code: number }>((resolve) => agent.once('disconnected', resolve));
      const stream = outcome(`${proxy.url}/events`, { timeoutMs: 5000 });
      await inFlight;
      const registration = proxy.app.get(RegistrationService);
      const drainedAt = Date.now();
      registration.drain(registration.get(agentId)!);

      expect((await within(disconnected, 2000, 'the close after the drain timeout')).code).toBe(CloseCode.Normal);
      expect(Date.now() - drainedAt).toBeGreaterThanOrEqual(250);
      const cut = await stream;
      expect(cut.complete).toBe(false);
      expect(cut.error?.message).not.toBe('client timeout');
      expect(registration.list()).toEqual([]);
    });

    it('sends new traffic to the other agents of the pool while one drains', async () => {
      const proxy = await h.proxy();
      const one = await agentWith(proxy, TEST_KEY, [{ path: '/' }], 'one');
      await agentWith(proxy, TEST_KEY, [{ path: '/' }], 'two');
      const registration = proxy.app.get(RegistrationService);
      registration.drain(registration.get(one.ready.agentId)!);
      const served = [];
      for (let i = 0; i < 4; i++) served.push((await send(`${proxy.url}/r`)).body.toString());
      expect(served).toEqual(['two /r', 'two /r', 'two /r', 'two /r']);
    });
  });

  describe('/_harp/healthz', () => {
    it('reports the connected agents and the registered routes', async () => {
      // Without a grace, so that a route leaves the count with its last agent.
      const proxy = await h.proxy({ routeGraceMs: 0 });
      const empty = await send(`${proxy.url}/_harp/healthz`);
      expect(empty.status).toBe(200);
      expect(JSON.parse(empty.body.toString())).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number), agents: 0, routes: 0 });

      const first = await agentWith(proxy, TEST_KEY, [{ path: '/a' }, { path: '/b' }], 'first');
      await agentWith(proxy, TEST_KEY, [{ path: '/b' }, { host: 'x.example', path: '/' }], 'second');
      expect(JSON.parse((await send(`${proxy.url}/_harp/healthz`)).body.toString())).toMatchObject({ agents: 2, routes: 3 });

      await first.agent.close(0);
      await sleep(100);
      expect(JSON.parse((await send(`${proxy.url}/_harp/healthz`)).body.toString())).toMatchObject({ agents: 1, routes: 2 });
    });
  });
});

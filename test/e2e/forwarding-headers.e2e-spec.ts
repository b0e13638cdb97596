import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { rawExchange, requestText } from '../helpers/raw-http.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import type { ReceivedRequest, RecordingUpstream } from '../helpers/recording-upstream.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** How many times a field (any case) occurs in a raw header list. */
function occurrences(raw: readonly string[], name: string): number {
  return raw.filter((value, i) => i % 2 === 0 && value.toLowerCase() === name).length;
}

const SPOOFED = {
  'X-Forwarded-For': '6.6.6.6',
  'X-Forwarded-Proto': 'https',
  'X-Forwarded-Host': 'bank.example',
  'X-Forwarded-Port': '443',
  'X-Forwarded-Prefix': '/admin',
  Forwarded: 'for=6.6.6.6;proto=https;host=bank.example',
  'X-Real-IP': '6.6.6.6',
};

describe('forwarding headers', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function setup(overrides: Parameters<Harness['proxy']>[0] = {}, answer?: Parameters<typeof recordingUpstream>[1]) {
    const proxy: HarpServer = await h.proxy(overrides);
    const upstream: RecordingUpstream = await recordingUpstream(h, answer);
    await h.agent(proxy, upstream.url);
    return { proxy, upstream };
  }

  /** Sends one request and returns it as the backend received it. */
  async function through(proxy: HarpServer, upstream: RecordingUpstream, headers: Record<string, string | string[]>): Promise<ReceivedRequest> {
    const res = await send(`${proxy.url}/seen`, { headers });
    expect(res.status).toBe(200);
    const received = await upstream.settled(upstream.received.length);
    return received[received.length - 1]!;
  }

  describe('X-Forwarded-*, Forwarded and X-Real-IP', () => {
    it('are set from the real peer, the Host and the scheme', async () => {
      const { proxy, upstream } = await setup();
      const seen = await through(proxy, upstream, { host: 'App.Example:8080' });
      expect(seen.headers).toMatchObject({
        host: 'App.Example:8080',
        'x-forwarded-for': '127.0.0.1',
        'x-forwarded-proto': 'http',
        'x-forwarded-host': 'App.Example:8080',
        forwarded: 'for=127.0.0.1;host="App.Example:8080";proto=http',
        'x-real-ip': '127.0.0.1',
      });
    });

    it('ignore whatever an untrusted client claims, and appear exactly once', async () => {
      const { proxy, upstream } = await setup();
      const seen = await through(proxy, upstream, { host: 'app.example', ...SPOOFED });
      expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen.headers['x-forwarded-proto']).toBe('http');
      expect(seen.headers['x-forwarded-host']).toBe('app.example');
      expect(seen.headers.forwarded).toBe('for=127.0.0.1;host=app.example;proto=http');
      expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
      expect(seen.headers['x-forwarded-port']).toBeUndefined();
      expect(seen.headers['x-forwarded-prefix']).toBeUndefined();
      for (const name of ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-real-ip']) {
        expect([name, occurrences(seen.rawHeaders, name)]).toEqual([name, 1]);
      }
      expect(JSON.stringify(seen.rawHeaders)).not.toMatch(/6\.6\.6\.6|bank\.example/);
    });

    it('ignore spoofed values however they are spelled or repeated', async () => {
      const { proxy, upstream } = await setup();
      const payload = requestText('GET /seen HTTP/1.1', [
        'Host: app.example',
        'x-forwarded-for: 6.6.6.6',
        'X-FORWARDED-FOR: 7.7.7.7',
        'x-REAL-ip: 6.6.6.6',
        'FORWARDED: for=6.6.6.6',
        'Connection: close',
      ]);
      const result = await rawExchange(proxy.port, [payload]);
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      const [seen] = await upstream.settled(1);
      expect(seen!.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(seen!.headers['x-real-ip']).toBe('127.0.0.1');
      expect(occurrences(seen!.rawHeaders, 'x-forwarded-for')).toBe(1);
      expect(occurrences(seen!.rawHeaders, 'forwarded')).toBe(1);
    });

    it('from a trusted proxy, extend its chain and name the client it saw', async () => {
      const { proxy, upstream } = await setup({ trustedProxies: ['127.0.0.1'] });
      const seen = await through(proxy, upstream, {
        host: 'internal:8080',
        'X-Forwarded-For': '203.0.113.7, 198.51.100.2',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'www.example.com',
        'X-Forwarded-Port': '443',
        Forwarded: 'for=203.0.113.7;proto=https',
        'X-Real-IP': '1.1.1.1',
      });
      expect(seen.headers).toMatchObject({
        'x-forwarded-for': '203.0.113.7, 198.51.100.2, 127.0.0.1',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'www.example.com',
        forwarded: 'for=203.0.113.7;proto=https, for=127.0.0.1;host=www.example.com;proto=https',
        'x-real-ip': '198.51.100.2',
      });
      expect(seen.headers['x-forwarded-port']).toBeUndefined();
    });

    it('from a trusted CIDR block, extend the chain too; other peers stay untrusted', async () => {
      const trusting = await setup({ trustedProxies: ['127.0.0.0/8'] });
      const seen = await through(trusting.proxy, trusting.upstream, { host: 'a', 'X-Forwarded-For': '203.0.113.7' });
      expect(seen.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
      expect(seen.headers['x-real-ip']).toBe('203.0.113.7');

      const other = await setup({ trustedProxies: ['10.0.0.0/8', '::1'] });
      const plain = await through(other.proxy, other.upstream, { host: 'a', 'X-Forwarded-For': '203.0.113.7' });
      expect(plain.headers['x-forwarded-for']).toBe('127.0.0.1');
      expect(plain.headers['x-real-ip']).toBe('127.0.0.1');
    });
  });

  describe('hop-by-hop fields (RFC 9110 §7.6.1)', () => {
    it('are stripped from requests, with every field Connection names', async () => {
      const { proxy, upstream } = await setup();
      const payload = requestText('GET /seen HTTP/1.1', [
        'Host: app.example',
        'Connection: keep-alive, X-Secret-Hop, x-other-hop',
        'Connection: X-Third-Hop',
        'X-Secret-Hop: 1',
        'X-Other-Hop: 2',
        'X-Third-Hop: 3',
        'Keep-Alive: timeout=99, max=7',
        'TE: trailers',
        'Trailer: X-Checksum',
        'Upgrade: h2c',
        'Proxy-Authorization: Basic c2VjcmV0OnNlY3JldA==',
        'Proxy-Connection: keep-alive',
        'X-End-To-End: kept',
      ]);
      const result = await rawExchange(proxy.port, [payload], { responses: 1 });
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      const [seen] = await upstream.settled(1);
      const names = seen!.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      for (const gone of ['x-secret-hop', 'x-other-hop', 'x-third-hop', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-connection']) {
        expect(names).not.toContain(gone);
      }
      expect(seen!.headers['keep-alive']).not.toBe('timeout=99, max=7');
      expect(seen!.headers.connection ?? '').not.toMatch(/hop/i);
      expect(seen!.headers['x-end-to-end']).toBe('kept');
    });

    // Regression: `Connection: host` stripped Host, and the backend read the agent's upstream
    // address as the host instead of the one the proxy routed on.
    it('never include Host, even when a client names it in Connection', async () => {
      const { proxy, upstream } = await setup();
      const payload = requestText('GET /seen HTTP/1.1', ['Host: app.example', 'Connection: host, close']);
      const result = await rawExchange(proxy.port, [payload]);
      expect(result.responses.map((r) => r.status)).toEqual([200]);
      const [seen] = await upstream.settled(1);
      expect(seen!.headers.host).toBe('app.example');
      expect(occurrences(seen!.rawHeaders, 'host')).toBe(1);
    });

    it('are stripped from responses, with every field Connection names', async () => {
      const { proxy } = await setup({}, (_req, res) => {
        res.setHeader('Connection', 'X-Backend-Hop');
        res.setHeader('X-Backend-Hop', 'secret');
        res.setHeader('Keep-Alive', 'timeout=77, max=3');
        res.setHeader('Proxy-Authenticate', 'Basic realm="upstream"');
        res.setHeader('Proxy-Connection', 'keep-alive');
        res.setHeader('Trailer', 'X-Checksum');
        res.setHeader('Upgrade', 'websocket');
        res.setHeader('X-End-To-End', 'kept');
        res.end('body');
      });
      const res = await send(`${proxy.url}/`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('body');
      expect(res.headers['x-backend-hop']).toBeUndefined();
      expect(res.headers['keep-alive']).not.toBe('timeout=77, max=3');
      expect(res.headers['proxy-authenticate']).toBeUndefined();
      expect(res.headers['proxy-connection']).toBeUndefined();
      expect(res.headers.trailer).toBeUndefined();
      expect(res.headers.upgrade).toBeUndefined();
      expect(res.headers.connection ?? '').not.toMatch(/hop/i);
      expect(res.headers['x-end-to-end']).toBe('kept');
    });
  });

  describe('X-Request-ID', () => {
    it('is kept when the client sent a sane one, both to the backend and back', async () => {
      const { proxy, upstream } = await setup();
      const res = await send(`${proxy.url}/id`, { headers: { 'X-Request-ID': 'req-42.abc:def@host_1' } });
      expect(res.headers['x-request-id']).toBe('req-42.abc:def@host_1');
      const [seen] = await upstream.settled(1);
      expect(seen!.headers['x-request-id']).toBe('req-42.abc:def@host_1');
    });

    it.each([
      ['with spaces', 'has some spaces'],
      ['500 characters long', 'x'.repeat(500)],
      ['with a quote and a semicolon', 'a";b'],
    ])('is replaced when it is %s, the same new id going both ways', async (_what, id) => {
      const { proxy, upstream } = await setup();
      const res = await send(`${proxy.url}/id`, { headers: { 'X-Request-ID': id } });
      const [seen] = await upstream.settled(1);
      expect(seen!.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['x-request-id']).toBe(seen!.headers['x-request-id']);
      expect(occurrences(seen!.rawHeaders, 'x-request-id')).toBe(1);
    });

    it('is replaced when the client sent two, and the backend sees exactly one', async () => {
      const { proxy, upstream } = await setup();
      const payload = requestText('GET /id HTTP/1.1', ['Host: a', 'X-Request-ID: one', 'X-Request-ID: two', 'Connection: close']);
      const result = await rawExchange(proxy.port, [payload]);
      const [seen] = await upstream.settled(1);
      expect(occurrences(seen!.rawHeaders, 'x-request-id')).toBe(1);
      expect(seen!.headers['x-request-id']).toMatch(UUID);
      expect(result.responses[0]?.headers['x-request-id']).toBe(seen!.headers['x-request-id']);
    });

    it('is made up when the client sent none', async () => {
      const { proxy, upstream } = await setup();
      const res = await send(`${proxy.url}/id`);
      const [seen] = await upstream.settled(1);
      expect(seen!.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['x-request-id']).toBe(seen!.headers['x-request-id']);
    });

    it("is the backend's own when it answers with one", async () => {
      const { proxy } = await setup({}, (_req, res) => {
        res.setHeader('X-Request-ID', 'backend-chose-this');
        res.end();
      });
      const res = await send(`${proxy.url}/id`, { headers: { 'X-Request-ID': 'client-sent-this' } });
      expect(res.headers['x-request-id']).toBe('backend-chose-this');
    });

    it('comes on error pages too', async () => {
      const proxy = await h.proxy();
      const res = await send(`${proxy.url}/nowhere`, { headers: { 'X-Request-ID': 'trace-404' } });
      expect([res.status, res.headers['x-request-id']]).toEqual([404, 'trace-404']);
    });
  });
});

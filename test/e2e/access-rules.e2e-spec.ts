import { hashPassword, tokenDigestText } from '../../src/access/index.js';
import { startAgent } from '../../src/agent/connect.js';
import type { ConnectOptions } from '../../src/agent/agent-options.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi, eventually } from '../helpers/admin-api.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import type { ClientResponse } from '../helpers/http-client.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import type { RecordingUpstream } from '../helpers/recording-upstream.js';

// Visitor access rules through real agents: the operator's, from the configuration, and those an
// agent asks for with its route (connect({ access }), harp http --basic-auth).

// A low scrypt cost keeps these tests fast; the format and the check are the production ones.
const CHEAP = { N: 16, r: 1, p: 1 };
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const TOKEN = 'kJ8s0fQm2pZr7Xy4';

const STAFF_CHALLENGE = 'Basic realm="staff", charset="UTF-8"';

describe('visitor access rules', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  /** A proxy with `config`, and an agent with `options` in front of a recording upstream. */
  async function setup(config: Parameters<Harness['proxy']>[0], options: Partial<ConnectOptions> = {}, answer?: Parameters<typeof recordingUpstream>[1]) {
    const proxy = await h.proxy(config);
    const upstream = await recordingUpstream(h, answer);
    await h.agent(proxy, upstream.url, options);
    return { proxy, upstream };
  }

  const get = (proxy: HarpServer, path: string, headers: Record<string, string> = {}): Promise<ClientResponse> =>
    send(`${proxy.url}${path}`, { headers: { host: 'app.example.com', ...headers } });

  const statusOf = (res: ClientResponse) => [res.status, res.headers['x-harp-error']];

  /** The challenges of a 401, one per `WWW-Authenticate` field, as sent. */
  const challenges = (res: ClientResponse): string[] =>
    res.rawHeaders.filter((_, i) => i % 2 === 1 && res.rawHeaders[i - 1]!.toLowerCase() === 'www-authenticate');

  /** The backend saw exactly `count` requests (none of the refused ones). */
  async function backendSaw(upstream: RecordingUpstream, count: number) {
    const received = await upstream.settled(count);
    expect(received).toHaveLength(count);
    return received;
  }

  describe("the operator's rules", () => {
    const staff = {
      access: [
        { paths: ['/admin(/.*)?'], realm: 'staff', basicAuth: [{ user: 'alice', password: hashPassword('wonder land', CHEAP) }] },
        { paths: ['/api(/.*)?'], bearerTokens: [tokenDigestText(TOKEN)] },
      ],
    };

    it('HTTP Basic: 401 with its challenge until the right user and password; the backend never sees them', async () => {
      const { proxy, upstream } = await setup(staff);
      const none = await get(proxy, '/admin/users');
      expect(statusOf(none)).toEqual([401, 'unauthorized']);
      expect(challenges(none)).toEqual([STAFF_CHALLENGE]);
      expect(none.headers['cache-control']).toBe('no-store');
      for (const wrong of [basic('alice', 'wonder'), basic('bob', 'wonder land'), 'Bearer wonder', 'Basic !!!']) {
        const refused = await get(proxy, '/admin/users', { authorization: wrong });
        expect(statusOf(refused)).toEqual([401, 'unauthorized']);
        expect(challenges(refused)).toEqual([STAFF_CHALLENGE]);
      }
      const ok = await get(proxy, '/admin/users', { authorization: basic('alice', 'wonder land') });
      expect(ok.status).toBe(200);
      // Only the request that passed reached the backend, and without the credentials.
      const [seen] = await backendSaw(upstream, 1);
      expect(seen!.url).toBe('/admin/users');
      expect(seen!.headers.authorization).toBeUndefined();
      expect(seen!.rawHeaders.map((v) => v.toLowerCase())).not.toContain('authorization');
    });

    it('bearer tokens: 401 with a Bearer challenge, 200 with the token, which the backend does not get', async () => {
      const { proxy, upstream } = await setup(staff);
      const wrong = await get(proxy, '/api/orders', { authorization: 'Bearer nope' });
      expect(statusOf(wrong)).toEqual([401, 'unauthorized']);
      expect(challenges(wrong)).toEqual(['Bearer realm="HARP"']);
      const ok = await get(proxy, '/api/orders', { authorization: `Bearer ${TOKEN}` });
      expect(ok.status).toBe(200);
      const [seen] = await backendSaw(upstream, 1);
      expect(seen!.headers.authorization).toBeUndefined();
    });

    it('cover only their hosts and paths; elsewhere Authorization is the backend\'s and passes through', async () => {
      const { proxy, upstream } = await setup({
        access: [{ hosts: ['shop\\.example\\.com'], paths: ['/admin(/.*)?'], basicAuth: staff.access[0]!.basicAuth }],
      });
      expect((await get(proxy, '/admin', { host: 'SHOP.example.com:8080' })).status).toBe(401);
      // Spellings a backend may read as /admin are covered too.
      for (const path of ['/%61dmin', '//admin', '/x/../admin']) {
        expect([path, (await get(proxy, path, { host: 'shop.example.com' })).status]).toEqual([path, 401]);
      }
      expect((await get(proxy, '/administrator', { host: 'shop.example.com' })).status).toBe(200);
      expect((await get(proxy, '/admin', { authorization: 'Basic b3duOmF1dGg=' })).status).toBe(200);
      const received = await backendSaw(upstream, 2);
      expect(received.map((r) => r.url)).toEqual(['/administrator', '/admin']);
      // No rule asked for these credentials: they were the backend's own.
      expect(received[1]!.headers.authorization).toBe('Basic b3duOmF1dGg=');
    });

    it('every rule that covers a request must pass', async () => {
      const { proxy } = await setup({
        access: [staff.access[0]!, { paths: ['/admin/keys'], bearerTokens: [tokenDigestText(TOKEN)] }],
      });
      expect((await get(proxy, '/admin/users', { authorization: basic('alice', 'wonder land') })).status).toBe(200);
      const second = await get(proxy, '/admin/keys', { authorization: basic('alice', 'wonder land') });
      expect(statusOf(second)).toEqual([401, 'unauthorized']);
      expect(challenges(second)).toEqual(['Bearer realm="HARP"']);
    });

    describe('IP lists, with the client address from the trusted proxies rule', () => {
      // The proxy trusts its loopback peer, so X-Forwarded-For presents the client address.
      const lists = {
        trustedProxies: ['127.0.0.1'],
        access: [
          { paths: ['/office(/.*)?'], allowIps: ['10.0.0.0/8', '2001:db8::/32'] },
          { denyIps: ['198.51.100.0/24', '2001:db8:bad::/48'] },
        ],
      };

      it.each([
        ['an IPv4 address in the allow list', '/office', '10.1.2.3', 200],
        ['an IPv6 address in the allow list', '/office', '2001:db8:1::7', 200],
        ['an IPv4 address outside it', '/office', '203.0.113.9', 403],
        ['an IPv6 address outside it', '/office', '2001:db9::1', 403],
        ['an IPv4 address in the deny list', '/', '198.51.100.20', 403],
        ['an IPv6 address in the deny list, though in the allow list', '/office', '2001:db8:bad::1', 403],
        ['a garbled address and an allow list', '/office', 'unknown', 403],
        ['an address no list names', '/', '203.0.113.9', 200],
      ])('%s', async (_name, path, client, status) => {
        const { proxy, upstream } = await setup(lists);
        const res = await get(proxy, path, { 'x-forwarded-for': client });
        expect(statusOf(res)).toEqual(status === 200 ? [200, undefined] : [403, 'ip_denied']);
        await backendSaw(upstream, status === 200 ? 1 : 0);
      });

      it('an address refusal comes before credentials, and the last untrusted hop is the client', async () => {
        const { proxy } = await setup({ ...lists, access: [...lists.access, staff.access[0]!] });
        // A client in the deny list gets 403 even with the right password: no realm is revealed.
        const denied = await get(proxy, '/admin', { 'x-forwarded-for': '198.51.100.1', authorization: basic('alice', 'wonder land') });
        expect(statusOf(denied)).toEqual([403, 'ip_denied']);
        expect(challenges(denied)).toEqual([]);
        // Only the trusted peer's own hop is believed: the client is the last one before it.
        const chained = await get(proxy, '/', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' });
        expect(chained.status).toBe(200);
      });

      it('without trusted proxies, X-Forwarded-For is not believed: the peer is the client', async () => {
        const { proxy } = await setup({ access: [{ allowIps: ['127.0.0.1'] }] });
        expect((await get(proxy, '/', { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
        const { proxy: other } = await setup({ access: [{ allowIps: ['::1', '10.0.0.0/8'] }] });
        expect(statusOf(await get(other, '/', { 'x-forwarded-for': '10.0.0.1' }))).toEqual([403, 'ip_denied']);
      });
    });

    it('a WebSocket upgrade is refused like any request, before its agent sees it', async () => {
      const { proxy, upstream } = await setup(staff);
      const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
      const refused = await get(proxy, '/admin/live', upgrade);
      expect(statusOf(refused)).toEqual([401, 'unauthorized']);
      expect(challenges(refused)).toEqual([STAFF_CHALLENGE]);
      await backendSaw(upstream, 0);
    });

    it('a refused visitor never gets a cached copy, even of a response stored for another', async () => {
      const cacheable = (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'cache-control': 'public, max-age=300', 'content-type': 'text/plain' });
        res.end('the secret report');
      };
      const { proxy, upstream } = await setup(staff, {}, cacheable);
      const first = await get(proxy, '/admin/report', { authorization: basic('alice', 'wonder land') });
      expect(first.body.toString()).toBe('the secret report');
      const again = await get(proxy, '/admin/report', { authorization: basic('alice', 'wonder land') });
      expect(again.headers['cache-status']).toMatch(/^HARP; hit/);
      for (const headers of [{}, { authorization: basic('alice', 'nope') }] as Record<string, string>[]) {
        const refused = await get(proxy, '/admin/report', headers);
        expect(statusOf(refused)).toEqual([401, 'unauthorized']);
        expect(refused.body.toString()).not.toContain('secret');
      }
      await backendSaw(upstream, 1);
    });

    it('refusals carry their code in the inspector and are counted', async () => {
      const { proxy } = await setup({ ...staff, trustedProxies: ['127.0.0.1'], access: [...staff.access, { denyIps: ['192.0.2.0/24'] }] });
      await get(proxy, '/admin');
      await get(proxy, '/admin', { authorization: basic('alice', 'x') });
      await get(proxy, '/', { 'x-forwarded-for': '192.0.2.1' });
      await get(proxy, '/admin', { authorization: basic('alice', 'wonder land') });
      await eventually(async () => (await adminApi(proxy, 'GET', '/inspector/requests')).json.held === 4);
      const entries = (await adminApi(proxy, 'GET', '/inspector/requests')).json.entries as Array<{ status: number; errorCode: string | null; agentId: string | null }>;
      expect(entries.map((e) => [e.status, e.errorCode])).toEqual([
        [200, null],
        [403, 'ip_denied'],
        [401, 'unauthorized'],
        [401, 'unauthorized'],
      ]);
      expect(entries.slice(1).map((e) => e.agentId)).toEqual([null, null, null]);
      const metrics = parsePrometheusText((await send(`${proxy.url}/_harp/metrics`)).body.toString());
      expect(sampleValue(metrics, 'harp_access_refusals_total', { code: 'unauthorized' })).toBe(2);
      expect(sampleValue(metrics, 'harp_access_refusals_total', { code: 'ip_denied' })).toBe(1);
    });
  });

  describe('rules an agent asks for', () => {
    it('connect({ access }): Basic users and an allow list, hashed by the proxy, enforced before the agent', async () => {
      const { proxy, upstream } = await setup(
        { trustedProxies: ['127.0.0.1'] },
        { access: { basicAuth: [{ user: 'dev', password: 'p:ss wörd' }], allowIps: ['2001:db8::/32', '127.0.0.1'] } },
      );
      const none = await get(proxy, '/');
      expect(statusOf(none)).toEqual([401, 'unauthorized']);
      expect(challenges(none)).toEqual(['Basic realm="HARP", charset="UTF-8"']);
      expect((await get(proxy, '/', { authorization: basic('dev', 'p:ss') })).status).toBe(401);
      const outside = await get(proxy, '/', { 'x-forwarded-for': '2001:db9::1', authorization: basic('dev', 'p:ss wörd') });
      expect(statusOf(outside)).toEqual([403, 'ip_denied']);
      const ok = await get(proxy, '/x', { 'x-forwarded-for': '2001:db8::42', authorization: basic('dev', 'p:ss wörd') });
      expect(ok.status).toBe(200);
      const [seen] = await backendSaw(upstream, 1);
      expect([seen!.url, seen!.headers.authorization]).toEqual(['/x', undefined]);
    });

    it("apply on top of the operator's, and keep the route out of the shared cache", async () => {
      const cacheable = (_req: unknown, res: import('node:http').ServerResponse) => {
        res.writeHead(200, { 'cache-control': 'public, max-age=300' });
        res.end('private demo');
      };
      const { proxy, upstream } = await setup(
        { access: [{ paths: ['/ops'], bearerTokens: [tokenDigestText(TOKEN)] }] },
        { access: { bearerTokens: ['agent-token'] } },
        cacheable,
      );
      const agentOnly = { authorization: 'Bearer agent-token' };
      expect((await get(proxy, '/', agentOnly)).status).toBe(200);
      expect((await get(proxy, '/', agentOnly)).headers['cache-status']).not.toMatch(/hit/);
      const refused = await get(proxy, '/', { authorization: `Bearer ${TOKEN}` });
      expect(statusOf(refused)).toEqual([401, 'unauthorized']);
      expect(refused.body.toString()).not.toContain('private demo');
      // The operator's rule covers /ops: the agent's token alone does not pass it.
      expect((await get(proxy, '/ops', agentOnly)).status).toBe(401);
      await backendSaw(upstream, 2);
    });

    it('a key whose rule does not allow it gets the route rejected with route_access_forbidden', async () => {
      const keys = [
        { id: 'plain', key: 'plain-key-0123456789' },
        { id: 'trusted', key: 'trusted-key-0123456789', agentAccess: true },
      ];
      const proxy = await h.proxy({ key: undefined, keys });
      const upstream = await recordingUpstream(h);
      const access = { basicAuth: [{ user: 'u', password: 'p' }] };
      const refusedOne = await startAgent({ server: proxy.url, key: 'plain-key-0123456789', upstream: upstream.url, reconnect: false, access, routes: [{ host: 'a.example.com' }] });
      h.defer(() => refusedOne.agent.close(100));
      const refused = await refusedOne.ready;
      expect(refused.accepted).toEqual([]);
      expect(refused.rejected).toMatchObject([{ host: 'a.example.com', path: '/', code: 'route_access_forbidden' }]);
      expect(refused.rejected[0]!.reason).toContain('"plain"');
      expect(statusOf(await get(proxy, '/', { host: 'a.example.com' }))).toEqual([404, 'no_route']);

      const allowed = await startAgent({ server: proxy.url, key: 'trusted-key-0123456789', upstream: upstream.url, reconnect: false, access, routes: [{ host: 'b.example.com' }] });
      h.defer(() => allowed.agent.close(100));
      expect((await allowed.ready).accepted).toMatchObject([{ host: 'b.example.com', path: '/' }]);
      expect((await get(proxy, '/', { host: 'b.example.com' })).status).toBe(401);
      // Rules that cannot be used are refused with their own code.
      const bad = await startAgent({ server: proxy.url, key: 'trusted-key-0123456789', upstream: upstream.url, reconnect: false, access: { allowIps: ['10.0.0.0/40'] }, routes: [{ host: 'c.example.com' }] });
      h.defer(() => bad.agent.close(100));
      expect((await bad.ready).rejected).toMatchObject([{ host: 'c.example.com', code: 'route_access_invalid' }]);
      await backendSaw(upstream, 0);
    });

    it('harp http --basic-auth, as a user runs it', async () => {
      const proxy = await h.proxy();
      const upstream = await recordingUpstream(h);
      const agent = await AgentProcess.start(upstream.url, proxy.url, TEST_KEY, ['--basic-auth', 'demo:s3cret', '--allow-ip', '127.0.0.1', '--allow-ip', '::1']);
      h.defer(() => agent.stop());
      expect(statusOf(await get(proxy, '/'))).toEqual([401, 'unauthorized']);
      expect(statusOf(await get(proxy, '/', { authorization: basic('demo', 'wrong') }))).toEqual([401, 'unauthorized']);
      const ok = await get(proxy, '/hello', { authorization: basic('demo', 's3cret') });
      expect(ok.status).toBe(200);
      const [seen] = await backendSaw(upstream, 1);
      expect([seen!.url, seen!.headers.authorization]).toEqual(['/hello', undefined]);
      // The password never appears in the agent's output.
      expect(agent.out + agent.err).not.toContain('s3cret');
    });
  });
});

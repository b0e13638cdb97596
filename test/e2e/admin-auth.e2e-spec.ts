import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';

// docs/architecture.md property 5: the admin API needs a bearer token; without one configured it answers
// only on loopback. The test client is on loopback, so the refusal of other addresses is
// pinned in the guard's unit spec (src/admin/admin-auth.guard.spec.ts), on the socket address.

const TOKEN = 'admin-token-0123456789abcdef';

/** Every admin endpoint, with a method that is safe to call on an idle proxy. */
const ADMIN_CALLS: ReadonlyArray<readonly [method: string, path: string, okStatus: number]> = [
  ['GET', '/_harp/api/agents', 200],
  ['GET', '/_harp/api/routes', 200],
  ['GET', '/_harp/api/cache', 200],
  ['DELETE', '/_harp/api/cache?all=true', 200],
  ['GET', '/_harp/api/openapi.json', 200],
  ['GET', '/_harp/api/docs', 200],
  ['GET', '/_harp/api/docs/swagger-ui-init.js', 200],
  // Guarded before they are found: an unknown id costs a caller without the token nothing.
  ['GET', '/_harp/api/agents/0123456789ab', 404],
  ['POST', '/_harp/api/agents/0123456789ab/drain', 404],
  ['DELETE', '/_harp/api/agents/0123456789ab', 404],
];

function call(proxy: HarpServer, method: string, path: string, authorization?: string) {
  return send(`${proxy.url}${path}`, { method, headers: authorization ? { authorization } : {} });
}

describe('admin API access', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  describe('without an admin token', () => {
    it.each(ADMIN_CALLS)('serves %s %s to a loopback client', async (method, path, okStatus) => {
      const proxy = await h.proxy();
      const res = await call(proxy, method, path);
      expect(res.status).toBe(okStatus);
    });
  });

  describe('with an admin token', () => {
    it.each(ADMIN_CALLS)('answers %s %s with 401 and WWW-Authenticate without the token', async (method, path) => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      const res = await call(proxy, method, path);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      expect(res.body.toString()).not.toContain(TOKEN);
    });

    it.each(ADMIN_CALLS)('answers %s %s with 401 for a wrong token', async (method, path) => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      expect((await call(proxy, method, path, `Bearer ${TOKEN}x`)).status).toBe(401);
      expect((await call(proxy, method, path, `Basic ${TOKEN}`)).status).toBe(401);
    });

    it.each(ADMIN_CALLS)('serves %s %s with the token, even on loopback only with it', async (method, path, okStatus) => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      expect((await call(proxy, method, path, `Bearer ${TOKEN}`)).status).toBe(okStatus);
    });

    // Regression guard: Express matches routes case-insensitively and with a trailing slash,
    // so the documentation (served by Express, not by a guarded controller) must not be
    // reachable through another spelling of its path.
    it.each(['/_harp/API/OPENAPI.JSON', '/_harp/api/openapi.json/', '/_harp/api/Docs', '/_harp/api/docs/'])(
      'refuses the documentation through the spelling %s',
      async (path) => {
        const proxy = await h.proxy({ adminToken: TOKEN });
        const res = await call(proxy, 'GET', path);
        expect(res.status).toBe(401);
        expect(res.body.toString()).not.toContain('openapi');
      },
    );

    it('leaves the health endpoints open for load balancers', async () => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      expect((await call(proxy, 'GET', '/_harp/healthz')).status).toBe(200);
      expect((await call(proxy, 'GET', '/_harp/readyz')).status).toBe(200);
    });

    it('does not trust X-Forwarded-For to decide anything', async () => {
      const proxy = await h.proxy({ adminToken: TOKEN });
      const res = await send(`${proxy.url}/_harp/api/agents`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.status).toBe(401);
    });
  });
});

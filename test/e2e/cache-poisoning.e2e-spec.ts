import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// Web cache poisoning (src/cache/policy/poisoning.ts): request fields a backend may honour but the
// cache key does not include never reach the backend on a cacheable request, so a stored
// response cannot have been shaped by them.

describe('cache: poisoning through unkeyed request fields', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('X-Forwarded-Host and X-Original-URL never reach the backend, so the entry stays clean', async () => {
    const rig = await cacheRig(
      h,
      (req, res) => {
        // A naive backend that trusts both fields, as many frameworks do.
        const host = req.headers['x-forwarded-host'] ?? req.headers.host;
        const path = req.headers['x-original-url'] ?? req.url;
        res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/html' });
        res.end(`<script src="//${host}/app.js"></script> page ${path}`);
      },
      { agent: { routes: [{ host: '*', path: '/' }] } },
    );

    const attack = await rig.request('/home', {
      headers: { host: 'site.test', 'x-forwarded-host': 'evil.test', 'x-original-url': '/admin', 'x-host': 'evil.test' },
    });
    const seen = rig.upstream.received[0]!;
    expect(seen.headers['x-original-url']).toBeUndefined();
    expect(seen.headers['x-host']).toBeUndefined();
    expect(seen.headers['x-forwarded-host']).toBe('site.test');
    expect(seen.headers.host).toBe('site.test');
    expect(seen.url).toBe('/home');
    expect(attack.body.toString()).toBe('<script src="//site.test/app.js"></script> page /home');

    const victim = await rig.request('/home', { headers: { host: 'site.test' } });
    expect(cacheStatus(victim)).toMatch(/^HARP; hit/);
    expect(victim.body.toString()).not.toContain('evil.test');
    expect(victim.body.toString()).not.toContain('/admin');
  });

  // Regression: a GET with a body ("fat GET") was forwarded with its body and the answer stored
  // under the plain URL; a backend that reads parameters from the body of any method let one
  // client choose what everyone else got.
  it('never stores the answer to a GET with a body', async () => {
    const rig = await cacheRig(h, (_req, res, record) => {
      const query = record.body.length > 0 ? record.body.toString() : 'q=default';
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end(`results for ${query}`);
    });

    const body = 'q=<script>evil</script>';
    // Node's client frames a GET body only when told its length.
    const attack = await rig.request('/search', { body, headers: { 'content-length': String(body.length) } });
    expect(attack.body.toString()).toBe('results for q=<script>evil</script>');
    expect(cacheStatus(attack)).toBe('HARP; fwd=bypass');

    const victim = await rig.request('/search');
    expect(victim.body.toString()).toBe('results for q=default');
    expect(rig.hits('/search')).toBe(2);
  });

  it('a GET with X-HTTP-Method-Override reaches the backend as a plain GET', async () => {
    const rig = await cacheRig(h, (req, res) => {
      const method = req.headers['x-http-method-override'] ?? req.method;
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      res.end(`did ${method}`);
    });

    await rig.request('/item', { headers: { 'x-http-method-override': 'DELETE' } });
    expect(rig.upstream.received[0]!.headers['x-http-method-override']).toBeUndefined();
    expect((await rig.request('/item')).body.toString()).toBe('did GET');
  });

  it('keeps X-HTTP-Method-Override on a POST, where it has a legitimate use', async () => {
    const rig = await cacheRig(h, (req, res) => res.end(`did ${req.headers['x-http-method-override'] ?? req.method}`));
    const res = await rig.request('/item', { method: 'POST', headers: { 'x-http-method-override': 'PATCH' } });
    expect(res.body.toString()).toBe('did PATCH');
  });
});

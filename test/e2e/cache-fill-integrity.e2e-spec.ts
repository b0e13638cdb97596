import { randomBytes } from 'node:crypto';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';

// docs/architecture.md, property 4, "Honest failure": a body cut short is an aborted response and "nothing of it is
// cached". And a body larger than cacheMaxObjectBytes streams through whole but is not stored.

const KIB = 1024;

describe('cache: only whole, bounded bodies are stored', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('never stores a Content-Length body cut off half-way; the next request goes upstream', async () => {
    let calls = 0;
    const whole = randomBytes(64 * KIB);
    const rig = await cacheRig(h, (_req, res) => {
      calls++;
      res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Length': String(whole.length) });
      if (calls > 1) return void res.end(whole);
      res.write(whole.subarray(0, whole.length / 2), () => setTimeout(() => res.socket?.destroy(), 50));
    });

    const cut = await outcome(`${rig.proxy.url}/big`, { timeoutMs: 5000 });
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    expect(cut.error?.message).not.toBe('client timeout');
    expect(cut.body.length).toBeLessThan(whole.length);

    const next = await outcome(`${rig.proxy.url}/big`, { timeoutMs: 5000 });
    expect(next.complete).toBe(true);
    expect(next.body.equals(whole)).toBe(true);
    expect(cacheStatus(next)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(rig.hits('/big')).toBe(2);

    // The complete one was stored.
    const hit = await outcome(`${rig.proxy.url}/big`, { timeoutMs: 5000 });
    expect(hit.body.equals(whole)).toBe(true);
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(rig.hits('/big')).toBe(2);
  });

  it('never stores a chunked body cut off half-way', async () => {
    let calls = 0;
    const rig = await cacheRig(h, (_req, res) => {
      calls++;
      res.writeHead(200, { 'Cache-Control': 'max-age=60' });
      if (calls > 1) return void res.end('complete body');
      res.write('first half;', () => setTimeout(() => res.socket?.destroy(), 50));
    });

    const cut = await outcome(`${rig.proxy.url}/chunked`, { timeoutMs: 5000 });
    expect(cut.complete).toBe(false);
    expect(cut.error?.message).not.toBe('client timeout');

    const next = await outcome(`${rig.proxy.url}/chunked`, { timeoutMs: 5000 });
    expect(next.body.toString()).toBe('complete body');
    expect(rig.hits('/chunked')).toBe(2);
  });

  it.each([
    ['with a Content-Length', true],
    ['chunked', false],
  ])('streams a body above cacheMaxObjectBytes through whole without storing it (%s)', async (_name, withLength) => {
    const body = randomBytes(100 * KIB);
    const rig = await cacheRig(
      h,
      (_req, res) => {
        res.writeHead(200, {
          'Cache-Control': 'max-age=60',
          ...(withLength ? { 'Content-Length': String(body.length) } : {}),
        });
        // Several writes, so that a chunked body arrives in pieces.
        for (let at = 0; at < body.length; at += 16 * KIB) res.write(body.subarray(at, at + 16 * KIB));
        res.end();
      },
      { proxy: { cacheMaxObjectBytes: 64 * KIB } },
    );

    const first = await rig.request('/huge');
    const second = await rig.request('/huge');

    expect(first.body.equals(body)).toBe(true);
    expect(second.body.equals(body)).toBe(true);
    if (withLength) expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss');
    expect(cacheStatus(second)).toMatch(/^HARP; fwd=uri-miss/);
    expect(rig.hits('/huge')).toBe(2);
  });

  it('stores a body just under cacheMaxObjectBytes', async () => {
    const body = randomBytes(64 * KIB);
    const rig = await cacheRig(
      h,
      (_req, res) => {
        res.writeHead(200, { 'Cache-Control': 'max-age=60' });
        res.end(body);
      },
      { proxy: { cacheMaxObjectBytes: 64 * KIB } },
    );

    await rig.request('/fits');
    const second = await rig.request('/fits');
    expect(second.body.equals(body)).toBe(true);
    expect(cacheStatus(second)).toMatch(/^HARP; hit/);
    expect(rig.hits('/fits')).toBe(1);
  });
});

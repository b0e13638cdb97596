import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// A shared cache must not hand one user's response to another (RFC 9111 §3, §3.5, §5.2):
// `private`, `no-store` (either side), `Authorization` without `public`/`s-maxage`, and, by
// HARP's decision (src/cache/README.md), `Set-Cookie`. Each case: two identical requests, and
// both reach the upstream.

const answerWith =
  (fields: OutgoingHttpHeaders) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, { 'Content-Type': 'text/plain', ...fields });
    res.end('personal');
  };

describe('cache: responses that are not shared', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  const cases: Array<[string, OutgoingHttpHeaders, Record<string, string>]> = [
    ['Cache-Control: private', { 'Cache-Control': 'private, max-age=60' }, {}],
    ['Cache-Control: no-store on the response', { 'Cache-Control': 'no-store, max-age=60' }, {}],
    ['Cache-Control: no-store on the request', { 'Cache-Control': 'max-age=60' }, { 'cache-control': 'no-store' }],
    ['a request with Authorization', { 'Cache-Control': 'max-age=60' }, { authorization: 'Bearer alice' }],
    ['Set-Cookie', { 'Cache-Control': 'max-age=60', 'Set-Cookie': 'session=alice; Path=/' }, {}],
  ];

  it.each(cases)('does not store a response with %s', async (_name, fields, requestFields) => {
    const rig = await cacheRig(h, answerWith(fields));

    const first = await rig.request('/me', { headers: requestFields });
    const second = await rig.request('/me', { headers: requestFields });

    expect(second.status).toBe(200);
    expect(second.body.toString()).toBe('personal');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss');
    expect(cacheStatus(second)).toBe('HARP; fwd=uri-miss');
    expect(rig.hits('/me')).toBe(2);
  });

  it('passes every Set-Cookie field of an unstored response to each client', async () => {
    const rig = await cacheRig(h, (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.writeHead(200, { 'Cache-Control': 'public, max-age=60' });
      res.end('cookies');
    });

    await rig.request('/c');
    const second = await rig.request('/c');
    expect(second.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(rig.hits('/c')).toBe(2);
  });

  it.each([
    ['public', 'public, max-age=60'],
    ['s-maxage', 's-maxage=60'],
  ])('stores an authenticated response that says %s (RFC 9111 §3.5)', async (_name, cacheControl) => {
    const rig = await cacheRig(h, answerWith({ 'Cache-Control': cacheControl }));

    await rig.request('/shared', { headers: { authorization: 'Bearer alice' } });
    const second = await rig.request('/shared', { headers: { authorization: 'Bearer alice' } });

    expect(cacheStatus(second)).toMatch(/^HARP; hit/);
    expect(second.body.toString()).toBe('personal');
    expect(rig.hits('/shared')).toBe(1);
  });
});

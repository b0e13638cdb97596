import { cacheRig, cacheStatus } from '../helpers/cache.js';
import type { CacheRig } from '../helpers/cache.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';

// RFC 9111 §5.3: an Expires that is not one valid HTTP-date (RFC 9110 §5.6.7) means "already
// expired"; §5.1: an Age that is not a non-negative integer is ignored, a list uses its first
// member; RFC 9110 §6.6.1: an invalid Date is replaced by the time of receipt.
// Regression: Date.parse read all of these leniently, and parseInt read Age 1.5 as 1 and -1 as -1.

describe('cache: Expires, Age and Date read strictly', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  async function rig(fields: Record<string, string | string[]>): Promise<CacheRig> {
    return cacheRig(h, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', ...fields });
      res.end('body');
    });
  }

  /** Whether the second request for the URL was answered from the cache. */
  async function reused(r: CacheRig): Promise<boolean> {
    await r.request('/x');
    const second = await r.request('/x');
    expect(second.body.toString()).toBe('body');
    return r.hits('/x') === 1 && /^HARP; hit/.test(cacheStatus(second) ?? '');
  }

  const inAnHour = new Date(Date.now() + 3_600_000);
  const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const imf = inAnHour.toUTCString(); // e.g. Sun, 01 Mar 2026 13:00:00 GMT
  const [, dd, mon, yyyy, time] = imf.split(' ') as [string, string, string, string, string];
  const rfc850 = `${DAYS[inAnHour.getUTCDay()]}, ${dd}-${mon}-${yyyy.slice(2)} ${time} GMT`;
  const asctime = `${imf.slice(0, 3)} ${mon} ${String(inAnHour.getUTCDate()).padStart(2, ' ')} ${time} ${yyyy}`;

  it.each([
    ['an IMF-fixdate', imf],
    ['an obsolete RFC 850 date', rfc850],
    ['an obsolete asctime date', asctime],
  ])('reuses a response whose Expires is %s', async (_name, expires) => {
    expect(await reused(await rig({ Expires: expires }))).toBe(true);
  });

  it.each<[string, string | string[]]>([
    ['a one-digit hour', 'Thu, 01 Jan 2099 1:00:00 GMT'],
    ['a missing comma', 'Thu 01 Jan 2099 01:00:00 GMT'],
    ['dashes instead of spaces', 'Thu, 01-Jan-2099 01:00:00 GMT'],
    ['several spaces', 'Thu,  01 Jan 2099 01:00:00 GMT'],
    ['a zone other than GMT', 'Thu, 01 Jan 2099 01:00:00 UTC'],
    ['two Expires lines', ['Thu, 01 Jan 2099 01:00:00 GMT', 'Thu, 01 Jan 2099 01:00:00 GMT']],
  ])('treats an Expires with %s as already expired', async (_name, expires) => {
    expect(await reused(await rig({ Expires: expires }))).toBe(false);
  });

  it.each([
    ['1.5', '1.5'],
    ['-1', '-1'],
    ['abc', 'abc'],
  ])('ignores Age: %s, and stores and reuses the response with its own age', async (_name, age) => {
    const r = await rig({ 'Cache-Control': 'max-age=60', Age: age });
    const first = await r.request('/x');
    expect(cacheStatus(first)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    const hit = await r.request('/x');
    expect(cacheStatus(hit)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(hit.headers.age).toBe('0');
    expect(r.hits('/x')).toBe(1);
  });

  it('uses the first of two Age lines', async () => {
    const r = await rig({ 'Cache-Control': 'max-age=60', Age: ['20', '50'] });
    expect(cacheStatus(await r.request('/x'))).toBe('HARP; fwd=uri-miss; stored; ttl=40');
    const hit = await r.request('/x');
    expect(hit.headers.age).toBe('20');
  });

  it('takes an Age beyond 2^31 as 2^31: stale at once, revalidated rather than reused', async () => {
    const r = await rig({ 'Cache-Control': 'max-age=60', Age: '99999999999999999999', ETag: '"a"' });
    expect(cacheStatus(await r.request('/x'))).toMatch(/^HARP; fwd=uri-miss; stored; ttl=-2147483\d{3}$/);
    await r.request('/x');
    expect(r.upstream.received[1]!.headers['if-none-match']).toBe('"a"');
  });

  it('dates an invalid Date at receipt: an Expires an hour after it is fresh for an hour', async () => {
    // Date.parse would read this Date as two hours ago, and the response as fresh for three.
    const twoHoursAgo = new Date(Date.now() - 7_200_000).toUTCString().replace('GMT', 'UTC');
    const r = await rig({ Date: twoHoursAgo, Expires: new Date(Date.now() + 3_600_000).toUTCString() });
    const first = await r.request('/x');
    expect(cacheStatus(first)).toMatch(/^HARP; fwd=uri-miss; stored; ttl=(359[5-9]|3600)$/);
    expect(await reused(r)).toBe(true);
  });

  it('dates a stored response that had no Date with its receipt time, not with each hit\'s', async () => {
    const r = await cacheRig(h, (_req, res) => {
      res.sendDate = false;
      res.writeHead(200, { 'Cache-Control': 'max-age=60' }).end('body');
    });
    const first = await r.request('/x');
    await sleep(1100);
    const hit = await r.request('/x');
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(hit.rawHeaders.filter((name) => name.toLowerCase() === 'date')).toHaveLength(1);
    expect(Date.parse(hit.headers.date!)).toBeLessThanOrEqual(Date.parse(first.headers.date!));
    expect(Number(hit.headers.age)).toBeGreaterThanOrEqual(1);
  });

  it('serves a stored response whose Date was invalid with the receipt time as its Date', async () => {
    const r = await rig({ 'Cache-Control': 'max-age=60', Date: 'yesterday' });
    const before = Math.floor(Date.now() / 1000) * 1000;
    await r.request('/x');
    const hit = await r.request('/x');
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(Date.parse(hit.headers.date!)).toBeGreaterThanOrEqual(before);
  });
});

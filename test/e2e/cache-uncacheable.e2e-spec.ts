import type { ServerResponse } from 'node:http';
import { eventually } from '../helpers/eventually.js';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { Harness } from '../helpers/harness.js';

// A URL whose response could not be stored skips the lookup and the collapsing of misses for a
// while ("hit-for-miss"): uncacheable traffic must not queue behind itself, and a response that
// becomes cacheable is stored again at once.
describe('cache: URLs whose responses cannot be stored', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('does not make concurrent requests wait for each other once a URL proved uncacheable', async () => {
    const held: ServerResponse[] = [];
    const rig = await cacheRig(h, (req, res) => {
      if (req.url === '/slow') return void held.push(res); // answered by the test, all at once
      res.end('plain');
    });
    // Taught once: a 200 without any caching field can never be reused.
    await rig.request('/plain');

    const burst = Array.from({ length: 10 }, () => rig.request('/plain'));
    const answers = await Promise.all(burst);
    expect(answers.every((a) => a.body.toString() === 'plain')).toBe(true);
    expect(answers.every((a) => cacheStatus(a) === 'HARP; fwd=uri-miss')).toBe(true);
    expect(rig.hits('/plain')).toBe(11);

    // Concurrent requests for a URL known to be uncacheable all reach the backend together
    // rather than waiting for the first one's head (cacheCoalesceTimeoutMs is 5 s).
    const slowFirst = rig.request('/slow');
    await eventually(() => held.length === 1, 2000);
    held.shift()!.end('first'); // teaches the memo: no caching fields
    await slowFirst;
    const pending = [rig.request('/slow'), rig.request('/slow'), rig.request('/slow')];
    await eventually(() => held.length === 3, 2000);
    for (const res of held.splice(0)) res.end('late');
    expect((await Promise.all(pending)).map((a) => a.body.toString())).toEqual(['late', 'late', 'late']);
  });

  it('stores the response as soon as it becomes cacheable', async () => {
    let cacheable = false;
    const rig = await cacheRig(h, (_req, res) => {
      if (cacheable) res.setHeader('Cache-Control', 'max-age=60');
      res.end(cacheable ? 'now cacheable' : 'not yet');
    });
    await rig.request('/changes');
    cacheable = true;
    const stored = await rig.request('/changes');
    const hit = await rig.request('/changes');
    expect(cacheStatus(stored)).toBe('HARP; fwd=uri-miss; stored; ttl=60');
    expect(cacheStatus(hit)).toMatch(/^HARP; hit/);
    expect(hit.body.toString()).toBe('now cacheable');
    expect(rig.hits('/changes')).toBe(2);
  });
});

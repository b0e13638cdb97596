import { MemoryBuckets, RedisBuckets, type FallbackEvents } from './buckets.js';

const rate = { limit: 2, windowSeconds: 60 };

/** A stand-in node-redis client whose EVAL does what `evalResult` says. */
function fakeClient(evalResult: () => Promise<unknown>, isReady = true) {
  return { isReady, destroyed: false, eval: evalResult, destroy() { this.destroyed = true; } };
}

function recordingEvents(): FallbackEvents & { log: string[] } {
  const log: string[] = [];
  return { log, fellBack: (error) => log.push(`fell back: ${(error as Error).message}`), recovered: () => log.push('recovered') };
}

describe('MemoryBuckets', () => {
  it('lets limit requests through per key, then refuses with the time left in the window', async () => {
    const buckets = new MemoryBuckets();
    expect((await buckets.take('a', rate)).allowed).toBe(true);
    expect((await buckets.take('a', rate)).allowed).toBe(true);
    const refused = await buckets.take('a', rate);
    expect(refused.allowed).toBe(false);
    expect(refused.msBeforeNext).toBeGreaterThan(0);
    expect(refused.msBeforeNext).toBeLessThanOrEqual(60_000);
    expect((await buckets.take('b', rate)).allowed).toBe(true);
  });

  it('keeps buckets of different rates apart', async () => {
    const buckets = new MemoryBuckets();
    await buckets.take('a', { limit: 1, windowSeconds: 60 });
    expect((await buckets.take('a', { limit: 1, windowSeconds: 60 })).allowed).toBe(false);
    expect((await buckets.take('a', { limit: 5, windowSeconds: 60 })).allowed).toBe(true);
  });
});

describe('RedisBuckets', () => {
  it('reads the count and the time left that Redis answers', async () => {
    const client = fakeClient(async () => [3, 42_000]);
    const buckets = new RedisBuckets(client, 'harp:ratelimit:', 1000, recordingEvents());
    expect(await buckets.take('a', rate)).toEqual({ allowed: false, msBeforeNext: 42_000 });
  });

  it('falls back to memory when Redis fails, is not connected, or is slow, and says when it is back', async () => {
    let answer: () => Promise<unknown> = () => Promise.reject(new Error('ECONNRESET'));
    const client = fakeClient(() => answer());
    const events = recordingEvents();
    const buckets = new RedisBuckets(client, 'harp:ratelimit:', 50, events);
    expect(await buckets.take('a', rate)).toMatchObject({ allowed: true });
    answer = () => new Promise(() => undefined);
    expect(await buckets.take('a', rate)).toMatchObject({ allowed: true });
    // The memory buckets count the outage's requests: the third is refused.
    expect(await buckets.take('a', rate)).toMatchObject({ allowed: false });
    answer = async () => [1, 60_000];
    expect(await buckets.take('a', rate)).toEqual({ allowed: true, msBeforeNext: 60_000 });
    expect(events.log).toEqual([
      'fell back: ECONNRESET',
      'fell back: Redis took longer than 50 ms',
      'fell back: Redis took longer than 50 ms',
      'recovered',
    ]);
  });

  it('does not ask a client that is not ready', async () => {
    let asked = 0;
    const client = fakeClient(async () => [++asked, 1000], false);
    const events = recordingEvents();
    const buckets = new RedisBuckets(client, 'harp:ratelimit:', 1000, events);
    expect(await buckets.take('a', rate)).toMatchObject({ allowed: true });
    expect(asked).toBe(0);
    expect(events.log).toEqual(['fell back: Redis connection is not ready']);
  });

  it('closes the client, and counts in memory quietly afterwards', async () => {
    const client = fakeClient(async () => [1, 1000]);
    const events = recordingEvents();
    const buckets = new RedisBuckets(client, 'harp:ratelimit:', 1000, events);
    await buckets.close();
    expect(client.destroyed).toBe(true);
    expect(await buckets.take('a', rate)).toMatchObject({ allowed: true });
    expect(events.log).toEqual([]);
  });
});

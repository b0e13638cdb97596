import { LATENCY_SAMPLES, LATENCY_WINDOW_MS, percentile, RATE_WINDOW_MS, RequestStats } from './request-stats.js';

describe('percentile (nearest rank)', () => {
  it.each([
    [[7], 50, 7],
    [[7], 90, 7],
    [[1, 2], 50, 1],
    [[1, 2], 90, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90, 10],
    [[1, 2, 3], 0, 1],
    [[1, 2, 3], 100, 3],
  ])('%j p%d → %d', (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected);
  });
});

describe('RequestStats', () => {
  it('starts with nothing: no requests, no rate, no percentiles', () => {
    expect(new RequestStats(0).numbers(0)).toEqual({ total: 0, inFlight: 0, perSecond: 0 });
  });

  it('counts requests in flight from their start to their end, never below zero', () => {
    const stats = new RequestStats(0);
    stats.started();
    stats.started();
    expect(stats.numbers(10)).toMatchObject({ inFlight: 2, total: 0 });
    stats.ended(20, 5);
    expect(stats.numbers(20)).toMatchObject({ inFlight: 1, total: 1 });
    stats.ended(30, 5);
    stats.ended(40, 5);
    expect(stats.numbers(40)).toMatchObject({ inFlight: 0, total: 3 });
  });

  it('gives req/s over the last few seconds, and over its own age while younger (at least a second)', () => {
    const stats = new RequestStats(0);
    for (let t = 100; t <= 1000; t += 100) stats.ended(t, 1);
    expect(stats.numbers(1000).perSecond).toBe(10);
    // Two seconds old, the same ten ends are five a second.
    expect(stats.numbers(2000).perSecond).toBe(5);
    // A young agent's first request is not "2000 req/s".
    const young = new RequestStats(0);
    young.ended(1, 1);
    expect(young.numbers(1).perSecond).toBe(1);
  });

  it('forgets ends older than the rate window for req/s, but keeps counting them in the total', () => {
    const stats = new RequestStats(0);
    for (let t = 100; t <= 1000; t += 100) stats.ended(t, 1);
    const later = 1000 + RATE_WINDOW_MS;
    expect(stats.numbers(later)).toMatchObject({ perSecond: 0, total: 10 });
    stats.ended(later + 100, 1);
    expect(stats.numbers(later + 100).perSecond).toBeCloseTo(1 / (RATE_WINDOW_MS / 1000));
  });

  it('counts every end of a busy window for req/s, beyond the latency samples', () => {
    const stats = new RequestStats(0);
    const ends = LATENCY_SAMPLES * 3;
    for (let i = 0; i < ends; i++) stats.ended(RATE_WINDOW_MS + (i * 1000) / ends, 1);
    expect(stats.numbers(RATE_WINDOW_MS + 1000).perSecond).toBeCloseTo(ends / (RATE_WINDOW_MS / 1000));
  });

  it('gives p50 and p90 of the recent requests\' times', () => {
    const stats = new RequestStats(0);
    [30, 10, 20, 50, 40, 60, 70, 80, 90, 100].forEach((ms, i) => stats.ended(i, ms));
    expect(stats.numbers(10)).toMatchObject({ p50: 50, p90: 90 });
  });

  it('takes percentiles over the latency window only', () => {
    const stats = new RequestStats(0);
    stats.ended(0, 1000);
    stats.ended(LATENCY_WINDOW_MS / 2, 2);
    expect(stats.numbers(LATENCY_WINDOW_MS / 2)).toMatchObject({ p50: 2, p90: 1000 });
    // The slow one is a minute old now: only the fast one speaks.
    expect(stats.numbers(LATENCY_WINDOW_MS + 1)).toMatchObject({ p50: 2, p90: 2 });
    expect(stats.numbers(LATENCY_WINDOW_MS * 2)).toEqual({ total: 2, inFlight: 0, perSecond: 0 });
  });

  it('takes percentiles over the last samples only, when requests come fast', () => {
    const stats = new RequestStats(0);
    for (let i = 0; i < LATENCY_SAMPLES; i++) stats.ended(1, 500);
    for (let i = 0; i < LATENCY_SAMPLES; i++) stats.ended(2, 5);
    expect(stats.numbers(2)).toMatchObject({ p50: 5, p90: 5, total: 2 * LATENCY_SAMPLES });
  });
});

import { LATENCY_BUCKETS_MS, LatencyHistogram } from './latency-histogram.js';

function histogramOf(...samples: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const sample of samples) histogram.record(sample);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('has no quantiles without samples', () => {
    expect(histogramOf().quantile(0.5)).toBeUndefined();
    expect(histogramOf().count).toBe(0);
  });

  it('reads a single sample back exactly', () => {
    const h = histogramOf(42);
    expect([h.quantile(0.5), h.quantile(0.99)]).toEqual([42, 42]);
  });

  it('adds the samples of another histogram', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    for (let i = 0; i < 90; i++) a.record(2);
    for (let i = 0; i < 10; i++) b.record(900);
    a.add(b);
    a.add(new LatencyHistogram());
    expect(a.count).toBe(100);
    expect(a.quantile(0.5)).toBe(2);
    expect(a.quantile(0.99)).toBe(900);
  });

  it('ignores negative and non-finite samples', () => {
    expect(histogramOf(-1, Number.NaN, Number.POSITIVE_INFINITY).count).toBe(0);
  });

  it('estimates p50 and p99 within one bucket of the truth', () => {
    // 1..1000 ms uniformly: p50 = 500, p99 = 990.
    const h = histogramOf(...Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(h.count).toBe(1000);
    expect(h.quantile(0.5)).toBeGreaterThanOrEqual(300);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(750);
    expect(h.quantile(0.99)).toBeGreaterThanOrEqual(750);
    expect(h.quantile(0.99)).toBeLessThanOrEqual(1000);
  });

  it('separates a fast majority from a slow tail', () => {
    const h = histogramOf(...Array<number>(98).fill(2), 5000, 5000);
    expect(h.quantile(0.5)).toBeLessThanOrEqual(2);
    expect(h.quantile(0.99)).toBeGreaterThan(3000);
  });

  it('never reads beyond the largest sample, also above the last bucket', () => {
    const top = LATENCY_BUCKETS_MS.at(-1)! * 3;
    const h = histogramOf(10, top);
    expect(h.quantile(0.99)).toBe(top);
    expect(h.quantile(1)).toBe(top);
  });

  it('keeps constant memory whatever the number of samples', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 100_000; i++) h.record(i % 700);
    const counts = (h as unknown as { counts: number[] }).counts;
    expect(counts).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    expect(h.count).toBe(100_000);
  });
});

/**
 * Upper bounds of the latency buckets, in ms: roughly ×1.5–2 apart from 1 ms to 2 minutes, so
 * that a percentile read from them is within one bucket's width of the truth. Fixed buckets
 * keep the memory per agent constant however many requests it serves.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000,
  7500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000,
];

/**
 * A fixed-bucket latency histogram (Prometheus-style cumulative reading, HdrHistogram-style
 * bounded memory). Percentiles are interpolated linearly inside the bucket that holds the rank
 * and clamped to the smallest and largest values seen, so a single sample reads back exactly.
 */
export class LatencyHistogram {
  /** One count per bucket of {@link LATENCY_BUCKETS_MS}, plus one for everything above. */
  private readonly counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  private total = 0;
  private min = Infinity;
  private max = -Infinity;

  /** Number of samples recorded. */
  get count(): number {
    return this.total;
  }

  record(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.counts[bucketOf(ms)]!++;
    this.total++;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  /** Adds every sample of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    if (other.total === 0) return;
    for (let i = 0; i < this.counts.length; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /**
   * The `q`-quantile (0 < q ≤ 1) of the samples in ms, or undefined without samples.
   * Accurate to the width of one bucket.
   */
  quantile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const inBucket = this.counts[i]!;
      if (seen + inBucket < rank) {
        seen += inBucket;
        continue;
      }
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i] ?? this.max;
      const estimate = lower + ((upper - lower) * (rank - seen)) / inBucket;
      return Math.min(this.max, Math.max(this.min, estimate));
    }
    return this.max;
  }
}

function bucketOf(ms: number): number {
  // Binary search for the first bound ≥ ms; past the last bound is the overflow bucket.
  let low = 0;
  let high = LATENCY_BUCKETS_MS.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (LATENCY_BUCKETS_MS[mid]! < ms) low = mid + 1;
    else high = mid;
  }
  return low;
}

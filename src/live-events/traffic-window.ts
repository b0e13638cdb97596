import { LatencyHistogram } from '../registration/latency-histogram.js';

/** One second of traffic. */
interface SecondBucket {
  second: number;
  requests: number;
  errors: number;
  latency: LatencyHistogram;
}

/** What {@link TrafficWindow.read} returns. */
export interface TrafficReading {
  /** Since start-up. Errors: answered 5xx or with an `X-Harp-Error` code. */
  readonly totals: { readonly requests: number; readonly errors: number; readonly bytesIn: number; readonly bytesOut: number };
  /** Over the last `windowSeconds`; latency is the exchanges' total time, null without any. */
  readonly recent: {
    readonly windowSeconds: number;
    readonly requestsPerSecond: number;
    readonly errorsPerSecond: number;
    readonly p50Ms: number | null;
    readonly p99Ms: number | null;
  };
}

/**
 * Request and error counts since start-up, and rates and latency percentiles over the last few
 * seconds, in constant memory: one small bucket per second of the window.
 */
export class TrafficWindow {
  private readonly buckets: SecondBucket[];
  private readonly startedSecond: number;
  private requests = 0;
  private errors = 0;
  private bytesIn = 0;
  private bytesOut = 0;

  constructor(
    readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.startedSecond = this.second();
    // One bucket more than the window: the current, partial second is read too.
    this.buckets = Array.from({ length: windowSeconds + 1 }, () => ({
      second: -1,
      requests: 0,
      errors: 0,
      latency: new LatencyHistogram(),
    }));
  }

  record(totalMs: number, error: boolean, bytesIn: number, bytesOut: number): void {
    this.requests++;
    this.bytesIn += bytesIn;
    this.bytesOut += bytesOut;
    if (error) this.errors++;
    const bucket = this.bucketFor(this.second());
    bucket.requests++;
    if (error) bucket.errors++;
    bucket.latency.record(totalMs);
  }

  read(): TrafficReading {
    const now = this.second();
    const latency = new LatencyHistogram();
    let requests = 0;
    let errors = 0;
    for (const bucket of this.buckets) {
      if (bucket.second <= now - this.windowSeconds || bucket.second > now) continue;
      requests += bucket.requests;
      errors += bucket.errors;
      latency.add(bucket.latency);
    }
    // A proxy younger than the window has not had the whole window to serve requests in.
    const seconds = Math.max(1, Math.min(this.windowSeconds, now - this.startedSecond + 1));
    return {
      totals: { requests: this.requests, errors: this.errors, bytesIn: this.bytesIn, bytesOut: this.bytesOut },
      recent: {
        windowSeconds: this.windowSeconds,
        requestsPerSecond: requests / seconds,
        errorsPerSecond: errors / seconds,
        p50Ms: latency.quantile(0.5) ?? null,
        p99Ms: latency.quantile(0.99) ?? null,
      },
    };
  }

  private bucketFor(second: number): SecondBucket {
    const bucket = this.buckets[second % this.buckets.length]!;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.errors = 0;
      bucket.latency = new LatencyHistogram();
    }
    return bucket;
  }

  private second(): number {
    return Math.floor(this.now() / 1000);
  }
}

// The agent console's request numbers: pure, fed with the time of each event, so that a test
// can say what the numbers are at any moment without waiting for the clock.

/** What the status block shows of the requests. */
export interface RequestNumbers {
  /** Every request that ended since the agent started. */
  readonly total: number;
  /** Arrived and not yet ended. */
  readonly inFlight: number;
  /** Requests ended per second over the last {@link RATE_WINDOW_MS} (fewer while younger). */
  readonly perSecond: number;
  /** Median and 90th percentile of the recent requests' times, in ms; undefined before any. */
  readonly p50?: number;
  readonly p90?: number;
}

/** The span req/s is counted over: long enough to be steady, short enough to follow a change. */
export const RATE_WINDOW_MS = 5_000;
/** Ends are counted for req/s in slots this wide, so that a busy agent keeps 50 numbers, not every end. */
const RATE_SLOT_MS = 100;
/** Latency percentiles are over the requests ended in this last span… */
export const LATENCY_WINDOW_MS = 60_000;
/** …and over no more than this many of them, so that memory stays bounded under load. */
export const LATENCY_SAMPLES = 1_000;

interface Ended {
  readonly at: number;
  readonly ms: number;
}

/** Rolling request statistics. Times are milliseconds on any monotonic clock. */
export class RequestStats {
  private total = 0;
  private open = 0;
  // Oldest first; trimmed on every read and write, so never longer than LATENCY_SAMPLES.
  private recent: Ended[] = [];
  /** Ends per slot (its start time / RATE_SLOT_MS → count), within the rate window. */
  private readonly slots = new Map<number, number>();

  constructor(private readonly startedAt: number) {}

  /** A request arrived. */
  started(): void {
    this.open++;
  }

  /** A request ended at `now` after `ms`. */
  ended(now: number, ms: number): void {
    this.total++;
    // An end without a start (one counted before the stats were made) must not go below zero.
    this.open = Math.max(0, this.open - 1);
    this.recent.push({ at: now, ms });
    const slot = Math.floor(now / RATE_SLOT_MS);
    this.slots.set(slot, (this.slots.get(slot) ?? 0) + 1);
    this.trim(now);
  }

  /** The numbers as of `now`. */
  numbers(now: number): RequestNumbers {
    this.trim(now);
    const window = Math.min(RATE_WINDOW_MS, Math.max(1_000, now - this.startedAt));
    const inRateWindow = this.countSince(now - window);
    const times = this.recent.map((e) => e.ms).sort((a, b) => a - b);
    return {
      total: this.total,
      inFlight: this.open,
      perSecond: (inRateWindow * 1000) / window,
      ...(times.length > 0 ? { p50: percentile(times, 50), p90: percentile(times, 90) } : {}),
    };
  }

  // Whole slots: the window's edge is as exact as a slot, which a rate shown to one decimal hides.
  private countSince(from: number): number {
    const first = Math.floor(from / RATE_SLOT_MS) + 1;
    let count = 0;
    for (const [slot, ends] of this.slots) if (slot >= first) count += ends;
    return count;
  }

  private trim(now: number): void {
    const oldest = Math.floor((now - RATE_WINDOW_MS) / RATE_SLOT_MS);
    for (const slot of this.slots.keys()) if (slot < oldest) this.slots.delete(slot);
    let drop = Math.max(0, this.recent.length - LATENCY_SAMPLES);
    while (drop < this.recent.length && this.recent[drop]!.at <= now - LATENCY_WINDOW_MS) drop++;
    if (drop > 0) this.recent = this.recent.slice(drop);
  }
}

/** The nearest-rank percentile of `sorted` (ascending, not empty): a time some request really took. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc` is not exposed to Jest's workers; the flag can be set at run time and a fresh context
// then gets the function. Forcing a collection makes a sample mean "memory still held", not
// "garbage the collector has not come round to yet", which is what makes the bound non-flaky.
setFlagsFromString('--expose-gc');
const exposedGc = runInNewContext('gc') as () => void;
// V8 frees dead ArrayBuffers' memory in a sweep that may finish after the collection returns;
// the next collection completes it first. Two in a row leave only what is really held.
const gc = (): void => {
  exposedGc();
  exposedGc();
};

const MIB = 1024 * 1024;
// Below this growth a sample is taken as it is (garbage included, so an over-estimate); above
// it a full collection runs first, so that only memory really held can fail the bound.
const COLLECT_ABOVE = 8 * MIB;

/**
 * JS heap plus ArrayBuffer memory (where Buffers live): what a buffering bug would grow.
 * `arrayBuffers` comes from Node's allocator and drops as soon as a buffer is freed; `external`
 * also holds V8's own count of ArrayBuffer memory, which lags behind sweeping by tens of MiB.
 */
function used(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Samples this process's memory while something runs; reports the peak growth over a baseline. */
export class MemoryProbe {
  private baseline = 0;
  private peak = 0;
  private samples = 0;
  private collections = 0;
  private collectingMs = 0;
  private timer?: NodeJS.Timeout;

  start(intervalMs = 100): void {
    gc();
    this.baseline = used();
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; growth is in bytes. */
  stop(): { peakGrowth: number; samples: number; collections: number; collectingMs: number } {
    clearInterval(this.timer);
    this.sample();
    const { samples, collections, collectingMs } = this;
    return { peakGrowth: this.peak - this.baseline, samples, collections, collectingMs };
  }

  private sample(): void {
    let now = used();
    if (now - this.baseline > COLLECT_ABOVE) {
      const started = performance.now();
      gc();
      this.collectingMs += performance.now() - started;
      this.collections++;
      now = used();
    }
    this.samples++;
    if (now > this.peak) this.peak = now;
  }
}

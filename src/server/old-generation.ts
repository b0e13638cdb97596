import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { observeCollections } from './collections.js';

const MiB = 1024 * 1024;

/**
 * The least room the old generation gets above its live size before V8 starts a full
 * collection, while body buffers are what forces them. V8 counts the body buffers (ArrayBuffers) allocated since the last full collection against
 * that room, and frees young ones only when a scavenge runs, which it forces once they reach
 * 32 MiB: body bytes outpace the small objects that would fill the young generation. With less
 * room than that, relaying a large body triggers a full collection every 30 MB or so, each
 * marking the whole heap (~26 MiB of module code in the proxy): a proxy doubling its live size
 * spent three times the CPU per MiB of an 8 MiB GET (docs/performance.md).
 */
export const OLD_GENERATION_HEADROOM_BYTES = 40 * MiB;

/** V8's own largest growing factor is 4: never let the old generation grow more than that. */
const MAX_GROWING_PERCENT = 300;

/**
 * The `--heap-growing-percent` that gives a live old generation at least the headroom, and no
 * less than its own size again (the peak under many connections is that growth, so no more
 * than that once the live size is large). Rounded up to tens, so that the flag rarely changes.
 */
export function growingPercentFor(liveBytes: number, headroomBytes = OLD_GENERATION_HEADROOM_BYTES): number {
  if (!(liveBytes > 0)) return MAX_GROWING_PERCENT;
  const percent = Math.ceil((headroomBytes / liveBytes) * 10) * 10;
  return Math.min(MAX_GROWING_PERCENT, Math.max(100, percent));
}

/** Twice the live size: what a full collection that found the heap's own garbage sets again. */
export const DOUBLING = 100;

/**
 * Sets V8's growing percent after each full collection, from what forced it. V8 reads the flag
 * each time it sets the next limit. A collection that found little garbage in the heap itself
 * (less than a quarter of the headroom) was forced by body buffers: the next limit leaves the
 * headroom above the live size. One that found more was forced by the heap's own growth, which
 * is what the proxy's peak under many connections is made of: the next limit is twice the live
 * size again.
 */
export class OldGenerationHeadroom {
  private current: number | undefined;
  /** Heap in use after the latest scavenge: what the next full collection starts from, near enough. */
  private beforeFull: number;

  constructor(
    private readonly readUsedBytes: () => number,
    private readonly setFlag: (flag: string) => void,
    private readonly headroomBytes = OLD_GENERATION_HEADROOM_BYTES,
  ) {
    this.beforeFull = readUsedBytes();
    this.set(DOUBLING);
  }

  afterScavenge(): void {
    this.beforeFull = this.readUsedBytes();
  }

  /** Sets the growing percent for the next limit; returns it. */
  afterFullCollection(): number {
    const live = this.readUsedBytes();
    const forcedByBuffers = this.beforeFull - live < this.headroomBytes / 4;
    this.beforeFull = live;
    return this.set(forcedByBuffers ? growingPercentFor(live, this.headroomBytes) : DOUBLING);
  }

  private set(percent: number): number {
    if (percent !== this.current) {
      this.setFlag(`--heap-growing-percent=${percent}`);
      this.current = percent;
    }
    return percent;
  }
}

/**
 * Keeps this process's old generation the headroom above its live size; returns how to stop.
 * For a long-running proxy or agent whose operator left the growth to it (heap-sizing.ts), not
 * for a library: it changes a V8 flag of the whole process.
 */
export function keepOldGenerationHeadroom(): () => void {
  const headroom = new OldGenerationHeadroom(() => getHeapStatistics().used_heap_size, setFlagsFromString);
  return observeCollections((kind) => {
    if (kind === 'scavenge') headroom.afterScavenge();
    else headroom.afterFullCollection();
  });
}

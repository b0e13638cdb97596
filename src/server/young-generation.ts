import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { observeCollections } from './collections.js';

const MiB = 1024 * 1024;

/**
 * How large the young generation (both semi-spaces) may grow once the proxy serves. Start-up is
 * held to V8's initial size (heap-sizing.ts): its survivors would grow it for nothing. Under load
 * a larger one means fewer scavenges, and scavenges were a quarter of the proxy's CPU at the
 * initial size. The cap is 16 MiB: at 256 connections a 4 MiB young generation fills before the
 * requests in flight finish, so they survive two scavenges and are promoted (1.25 KB a request,
 * and full collections to mark them); at 16 MiB they die young (33 bytes a request), the proxy
 * spends a third less CPU per request there and its peak RSS is lower, not higher. At 32
 * connections the two sizes cost the same within the noise (docs/performance.md, "The
 * young-generation cap once requests die young").
 */
export const YOUNG_GENERATION_CAP_BYTES = 16 * MiB;

const GROW = '--semi-space-growth-factor=2';
const HOLD = '--semi-space-growth-factor=1';

/**
 * Lets V8 grow the young generation up to a cap and no further, deciding after each scavenge:
 * V8 reads the growth factor each time it considers growing, and its maximum (`--max-semi-space-
 * size`) cannot be changed once the heap is set up.
 */
export class YoungGenerationCap {
  private current: string | undefined;

  constructor(
    private readonly capBytes: number,
    private readonly readYoungBytes: () => number,
    private readonly setFlag: (flag: string) => void,
  ) {}

  /** Sets the growth factor for the young generation's size now; returns the flag in force. */
  check(): string {
    const wanted = this.readYoungBytes() < this.capBytes ? GROW : HOLD;
    if (wanted !== this.current) {
      this.setFlag(wanted);
      this.current = wanted;
    }
    return wanted;
  }
}

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** Starts capping this process's young generation; returns how to stop. */
export function capYoungGeneration(capBytes = YOUNG_GENERATION_CAP_BYTES): () => void {
  const cap = new YoungGenerationCap(capBytes, youngGenerationBytes, setFlagsFromString);
  cap.check();
  return observeCollections((kind) => {
    if (kind === 'scavenge') cap.check();
  });
}

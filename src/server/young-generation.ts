import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { observeCollections } from './collections.js';

const MiB = 1024 * 1024;

/**
 * How large the young generation (both semi-spaces) may grow once the proxy serves. Start-up is
 * held to V8's initial size (heap-sizing.ts): its survivors would grow it for nothing. Under load
 * a larger one means fewer scavenges, and scavenges were a quarter of the proxy's CPU at the
 * initial size. What holds the cap at 4 MiB is memory: the peak under 256 connections follows
 * it (143 MiB at 4 MiB, 154 at 8, 171 at 16; V8's own 32 MiB cost ~40 MiB more). The CPU
 * figures of larger sizes measured so far were distorted by finished requests being promoted
 * whatever the size (docs/performance.md, "What survived the young generation"); they are
 * worth measuring again.
 */
export const YOUNG_GENERATION_CAP_BYTES = 4 * MiB;

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

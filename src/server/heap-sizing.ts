import { setFlagsFromString } from 'node:v8';
import { DOUBLING } from './old-generation.js';

/** A V8 heap flag the proxy sets on itself, unless the operator chose that size themselves. */
interface HeapChoice {
  readonly flag: string;
  /** Parts of V8 option names that mean the operator decided this (either spelling). */
  readonly operatorOptions: readonly string[];
}

/**
 * The proxy's own heap sizing (docs/performance.md, "Proxy memory"). Both flags are read by V8
 * each time it sizes a generation, so setting them at run time, before Nest loads, works
 * (`--max-semi-space-size` would not: it is read once, when the heap is set up).
 */
export const SMALL_YOUNG_GENERATION = '--semi-space-growth-factor=1';
export const OLD_GENERATION_GROWTH = `--heap-growing-percent=${DOUBLING}`;

export const HEAP_CHOICES: readonly HeapChoice[] = [
  /**
   * Keeps the young generation at its initial size. Loading Nest and the proxy's modules
   * survives scavenges at a high rate, and V8 grows the young generation for that to
   * 2 × 16 MiB, pages that stay resident once touched: 14 MiB of an idle proxy's RSS, for a
   * start-up that no longer needs them. Once the proxy serves, young-generation.ts lets it grow
   * again, to a cap: under load a larger one means fewer scavenges.
   */
  { flag: SMALL_YOUNG_GENERATION, operatorOptions: ['semi-space', 'semi_space'] },
  /**
   * Lets the old generation grow to twice its live size between collections, instead of up to
   * four times: the peak under 256 connections is that growth, not objects the connections
   * hold (226 → ~150 MiB). Once the proxy serves, old-generation.ts sets it from the live size,
   * so that the room above it is never less than what relaying a large body needs.
   */
  { flag: OLD_GENERATION_GROWTH, operatorOptions: ['heap-growing-percent', 'heap_growing_percent'] },
];

/** The flags of {@link HEAP_CHOICES} the operator left to the proxy (command line or `NODE_OPTIONS`). */
export function heapFlagsToSet(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, nodeOptions].join(' ');
  return HEAP_CHOICES.filter((choice) => !choice.operatorOptions.some((option) => given.includes(option))).map(
    (choice) => choice.flag,
  );
}

/** Whether the operator left the old generation's growth to the process (command line or `NODE_OPTIONS`). */
export function growthLeftToUs(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS): boolean {
  return heapFlagsToSet(execArgv, nodeOptions).includes(OLD_GENERATION_GROWTH);
}

/** Sets the proxy's heap flags on this process, early, except those the operator chose. */
export function sizeHeap(): void {
  for (const flag of heapFlagsToSet(process.execArgv, process.env.NODE_OPTIONS)) setFlagsFromString(flag);
}

import { setFlagsFromString } from 'node:v8';

/**
 * V8 flags the proxy sets on itself when it starts (docs/performance.md, "Proxy memory"):
 * - `--semi-space-growth-factor=1` keeps the young generation at its initial size instead of
 *   letting it grow to 2 × 16 MiB, which stays resident once touched;
 * - `--optimize-for-size` makes V8 grow the old generation and compile code more frugally.
 * Both are read by V8 as the heap grows, so setting them at run time works; `--max-semi-space-size`
 * would not (it is read once, when the heap is set up).
 */
export const PROXY_HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--optimize-for-size'];

/** The V8 options each flag of {@link PROXY_HEAP_FLAGS} is about: an operator's own choice wins. */
const OPERATOR_CHOICES: Record<string, readonly string[]> = {
  '--semi-space-growth-factor=1': ['semi-space', 'semi_space'],
  '--optimize-for-size': ['optimize-for-size', 'optimize_for_size'],
};

/**
 * The flags to set: those of {@link PROXY_HEAP_FLAGS} whose subject the operator has not set
 * already on the command line (`execArgv`) or in `NODE_OPTIONS`.
 */
export function heapFlagsToSet(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = [...execArgv, nodeOptions].join(' ');
  return PROXY_HEAP_FLAGS.filter((flag) => !OPERATOR_CHOICES[flag]!.some((subject) => given.includes(subject)));
}

/** Sets {@link heapFlagsToSet} on this process; early, before the proxy's modules fill the heap. */
export function sizeProxyHeap(): void {
  for (const flag of heapFlagsToSet(process.execArgv, process.env.NODE_OPTIONS)) setFlagsFromString(flag);
}

// Parsing `strace -c` summaries: the pure part of bench/syscalls.ts.

/**
 * Calls per syscall name from the table `strace -c` prints on exit, plus `total` (its last
 * line, strace 6's layout). Lines that are not rows of the table are ignored.
 */
export function parseStraceSummary(text: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of text.split('\n')) {
    // % time, seconds, usecs/call, calls, [errors], syscall
    const row = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (row) calls.set(row[2]!, Number(row[1]));
  }
  return calls;
}

/** Every count divided by `requests`. */
export function perRequest(calls: ReadonlyMap<string, number>, requests: number): Map<string, number> {
  if (requests <= 0) throw new Error('no requests completed');
  return new Map([...calls].map(([name, n]) => [name, n / requests]));
}

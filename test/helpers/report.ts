/**
 * Prints a measurement (throughput, memory growth) when HARP_TEST_REPORT is set, on stderr so
 * that it shows next to Jest's own output. Numbers are for the record; they never decide a
 * result, the assertions do.
 */
export function note(line: string): void {
  if (process.env.HARP_TEST_REPORT) process.stderr.write(`${line}\n`);
}

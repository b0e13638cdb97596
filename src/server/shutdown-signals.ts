/** Exit status of a process stopped by a signal, as shells report one killed by it (128 + n). */
const FORCED_EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The first SIGTERM or SIGINT starts Nest's shutdown, which drains the proxy; a second one
 * (Ctrl-C pressed twice, an orchestrator out of patience) exits at once, cutting what is still
 * in flight. Nest's own handler ignores signals while its shutdown runs, so this one counts them.
 */
export function exitOnSecondSignal(write: (line: string) => void = (line) => process.stderr.write(line)): void {
  let received = 0;
  for (const [signal, status] of Object.entries(FORCED_EXIT_STATUS)) {
    process.on(signal, () => {
      received += 1;
      if (received < 2) return;
      write(`harp: ${signal} during shutdown; exiting now (status ${status}), requests in flight are cut\n`);
      process.exit(status);
    });
  }
}

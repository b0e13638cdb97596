/** Exit status of a process stopped by a signal, as shells report one killed by it (128 + n). */
const FORCED_EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof FORCED_EXIT_STATUS;

/**
 * Passed as the second argument of a SIGTERM a process emits to itself to start its shutdown
 * without a signal: the worker of several asked by its primary. It runs the same handlers as a
 * signal but is not counted as one, so the signal the same Ctrl-C delivers to the worker a
 * moment later is its first, not its second.
 */
export const NOT_A_SIGNAL = Symbol('not a signal');

/**
 * The first SIGTERM or SIGINT starts Nest's shutdown, which drains the proxy; a second one
 * (Ctrl-C pressed twice, an orchestrator out of patience) exits at once, cutting what is still
 * in flight. Nest's own handler ignores signals while its shutdown runs, so this one counts them.
 */
export function exitOnSecondSignal(write: (line: string) => void = (line) => process.stderr.write(line)): void {
  let received = 0;
  for (const signal of Object.keys(FORCED_EXIT_STATUS) as StopSignal[]) {
    process.on(signal, (_name: unknown, origin?: unknown) => {
      if (origin === NOT_A_SIGNAL) return;
      received += 1;
      if (received >= 2) exitNow(signal, write);
    });
  }
}

/** Ends the process at once, as a second signal does, cutting what is still in flight. */
export function exitNow(signal: StopSignal, write: (line: string) => void = (line) => process.stderr.write(line)): never {
  write(`harp: ${signal} during shutdown; exiting now (status ${FORCED_EXIT_STATUS[signal]}), requests in flight are cut\n`);
  process.exit(FORCED_EXIT_STATUS[signal]);
}

/** Where a command writes; `process.stdout` and `process.stderr` fit, and so do test buffers. */
export interface CliOutput {
  write(text: string): unknown;
}

/** What {@link runCli} reads and writes, so that tests can run it in-process. */
export interface CliIo {
  /** Results: the public URL and the request log. */
  readonly stdout: CliOutput;
  /** Diagnostics: usage errors, rejections, lost connections. */
  readonly stderr: CliOutput;
  /** What `harp hash-password` reads. @default process.stdin */
  readonly stdin?: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  /** Read for `HARP_KEY` (and, by `harp serve`, every `HARP_*` setting). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Ends a long-running `harp http` gracefully, as Ctrl-C does, when aborted.
   * @default SIGINT or SIGTERM of this process
   */
  readonly exit?: AbortSignal;
}

/** Exit statuses; 2 is the conventional one for "you asked for something that cannot be done". */
export const ExitCode = {
  Ok: 0,
  /** Stopped for a reason other than the user's: the proxy drained this agent, a crash. */
  Failed: 1,
  /** A usage error, a missing or rejected key, or every route refused. */
  Refused: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM: the graceful stop. A second one,
 * until `dispose()`, ends the process at once with 130 (SIGINT) or 143 (SIGTERM), 128 + the
 * signal's number as a shell reports a process the signal killed; `exit` listeners still run,
 * so that a terminal is left clean.
 */
export function processStopSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const quit = (signal: NodeJS.Signals): never => process.exit(signal === 'SIGINT' ? 130 : 143);
  const listen = (listener: (signal: NodeJS.Signals) => void, on: boolean): void => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      if (on) process.on(signal, listener);
      else process.off(signal, listener);
    }
  };
  const stop = (): void => {
    listen(stop, false);
    listen(quit, true);
    controller.abort();
  };
  listen(stop, true);
  return { signal: controller.signal, dispose: () => (listen(stop, false), listen(quit, false)) };
}

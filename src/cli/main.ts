import { harpVersion } from '../harp-version.js';
import { ExitCode } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { runHttp } from './http-command.js';
import { runHashPassword } from './hash-password-command.js';
import { runStart } from './start-command.js';
import { parseCliArgs } from './parse-args.js';
import { usage, usageHint } from './usage.js';
import { UsageError } from './usage-error.js';

export type { CliIo, CliOutput } from './cli-io.js';
export { ExitCode } from './cli-io.js';

/**
 * The `harp` command line. Returns the exit status instead of exiting, so tests can run it
 * in-process; `harp http` and `harp start` resolve only once the agent has stopped.
 *
 * ```ts
 * process.exit(await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }));
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0) {
    io.stderr.write(usage('harp'));
    return ExitCode.Refused;
  }
  try {
    const command = parseCliArgs(argv, io.env);
    switch (command.command) {
      case 'help':
        io.stdout.write(usage(command.topic));
        return ExitCode.Ok;
      case 'version':
        io.stdout.write(`${harpVersion()}\n`);
        return ExitCode.Ok;
      case 'http':
        return await runHttp(command, io);
      case 'start':
        return await runStart(command, io);
      case 'hash-password':
        return await runHashPassword(command.token, io);
      case 'serve': {
        // Dynamic: the agent's path must not load Nest (or pay for it at start-up).
        const { runServe } = await import('./serve-command.js');
        return await runServe(command, io);
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`harp: ${err.message}\n${usageHint(err.topic)}`);
      return ExitCode.Refused;
    }
    io.stderr.write(`harp: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.Failed;
  }
}


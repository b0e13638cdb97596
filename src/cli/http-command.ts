import { startAgent } from '../agent/connect.js';
import type { AgentReady } from '../agent/harp-agent.js';
import { ExitCode, processStopSignal } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import {
  disconnectedLine,
  drainLine,
  exchangeLine,
  forwardingLines,
  keyRejectedLine,
  reconnectedLine,
  routeRejectedLine,
} from './output.js';
import type { HttpCommand } from './parse-args.js';

/** Time requests in flight get to finish after Ctrl-C. */
const CLOSE_GRACE_MS = 5000;

/**
 * `harp http`: runs an agent until it is stopped (Ctrl-C, SIGTERM or `io.exit`), its key is
 * rejected, every route is refused, or the proxy drains it. Resolves with the exit status.
 */
export async function runHttp(command: HttpCommand, io: CliIo): Promise<ExitCode> {
  const { agent } = await startAgent({
    server: command.server,
    key: command.key,
    upstream: command.upstream,
    routes: [{ host: command.domain, path: command.path }],
    name: command.name,
    weight: command.weight,
  });
  const stop = io.exit ? { signal: io.exit, dispose: () => undefined } : processStopSignal();
  return new Promise<ExitCode>((resolve) => {
    let done = false;
    let registered = false;
    let everRegistered = false;
    let lastError: string | undefined;
    // A proxy that goes away says why; if the new connection then fails, that is the reason.
    let goneAway: string | undefined;
    const finish = (code: ExitCode, graceMs: number): void => {
      if (done) return;
      done = true;
      stop.dispose();
      stop.signal.removeEventListener('abort', onStop);
      void agent.close(graceMs).then(() => resolve(code));
    };
    const onStop = (): void => finish(ExitCode.Ok, CLOSE_GRACE_MS);
    if (stop.signal.aborted) return onStop();
    stop.signal.addEventListener('abort', onStop, { once: true });

    agent.on('ready', (info: AgentReady) => {
      for (const rejection of info.rejected) io.stderr.write(routeRejectedLine(rejection));
      if (info.accepted.length === 0) return finish(ExitCode.Refused, 0);
      if (everRegistered) io.stderr.write(reconnectedLine(command.server));
      else io.stdout.write(forwardingLines(command.server, command.upstream, info.accepted));
      registered = everRegistered = true;
      goneAway = undefined;
    });
    agent.on('exchange', (record) => io.stdout.write(exchangeLine(record)));
    agent.on('rejected', (info) => {
      io.stderr.write(keyRejectedLine(info));
      finish(ExitCode.Refused, 0);
    });
    agent.on('connectionError', (err) => (lastError = err.message));
    agent.on('goaway', (reason) => (goneAway = reason));
    agent.on('disconnected', ({ code, reason, delayMs }) => {
      if (done || delayMs === undefined) return;
      io.stderr.write(
        disconnectedLine({ server: command.server, connected: registered, code, reason: reason || (goneAway ?? ''), error: lastError, delayMs }),
      );
      registered = false;
      lastError = goneAway = undefined;
    });
    agent.on('drain', (reason) => io.stderr.write(drainLine(reason)));
    // Only a drain ends the agent without this command asking; finish() handles every other end.
    agent.on('closed', () => finish(ExitCode.Failed, 0));
  });
}

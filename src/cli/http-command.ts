import { startAgent } from '../agent/connect.js';
import type { AgentReady } from '../agent/harp-agent.js';
import { ExitCode, processStopSignal } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import {
  alsoRegisteredLine,
  disconnectedLine,
  drainLine,
  exchangeLine,
  forwardingLines,
  keyRejectedLine,
  reconnectedLine,
  routeRejectedLine,
  routeWithdrawnLine,
} from './output.js';
import type { HttpCommand } from './parse-args.js';

/** Time requests in flight get to finish after Ctrl-C. */
const CLOSE_GRACE_MS = 5000;

/** What the command remembers of one proxy, for its diagnostics. */
interface ProxyState {
  /** Whether the current connection registered; if not, a disconnect means it never got through. */
  registered: boolean;
  everRegistered: boolean;
  /** The key was rejected, or the last registration accepted no route. */
  refused: boolean;
  lastError?: string;
  // A proxy that goes away says why; if the new connection then fails, that is the reason.
  goneAway?: string;
}

/**
 * `harp http`: runs an agent on every `--server` until it is stopped (Ctrl-C, SIGTERM or
 * `io.exit`), every proxy rejected its key or refused every route, or every proxy drained it.
 * Resolves with the exit status.
 */
export async function runHttp(command: HttpCommand, io: CliIo): Promise<ExitCode> {
  const { agent } = await startAgent({
    server: command.servers,
    key: command.key,
    upstream: command.upstream,
    routes: [{ host: command.domain, path: command.path }],
    name: command.name,
    weight: command.weight,
  });
  const proxies = new Map<string, ProxyState>(
    command.servers.map((s) => [s, { registered: false, everRegistered: false, refused: false }]),
  );
  const proxy = (server: string): ProxyState => proxies.get(server)!;
  // Lines name their proxy only when there is more than one: one proxy's output is unchanged.
  const named = (server: string): string | undefined => (proxies.size > 1 ? server : undefined);
  const everyProxyRefused = (): boolean => [...proxies.values()].every((p) => p.refused);
  const stop = io.exit ? { signal: io.exit, dispose: () => undefined } : processStopSignal();
  return new Promise<ExitCode>((resolve) => {
    let done = false;
    let forwarding = false;
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

    agent.on('registered', (info: AgentReady) => {
      const state = proxy(info.server);
      for (const rejection of info.rejected) io.stderr.write(routeRejectedLine(rejection, named(info.server)));
      state.refused = info.accepted.length === 0;
      if (state.refused) return everyProxyRefused() ? finish(ExitCode.Refused, 0) : undefined;
      if (state.everRegistered) io.stderr.write(reconnectedLine(info.server));
      else if (forwarding) io.stderr.write(alsoRegisteredLine(info.server));
      else io.stdout.write(forwardingLines(info.server, command.upstream, info.accepted));
      forwarding = state.registered = state.everRegistered = true;
      state.goneAway = undefined;
    });
    agent.on('withdrawn', (info) => {
      for (const route of info.routes) io.stderr.write(routeWithdrawnLine(route, named(info.server)));
    });
    agent.on('exchange', (record) => io.stdout.write(exchangeLine(record)));
    agent.on('rejected', (info) => {
      io.stderr.write(keyRejectedLine(info, named(info.server)));
      proxy(info.server).refused = true;
      if (everyProxyRefused()) finish(ExitCode.Refused, 0);
    });
    agent.on('connectionError', (err, server) => (proxy(server).lastError = err.message));
    agent.on('goaway', (reason, server) => (proxy(server).goneAway = reason));
    agent.on('disconnected', ({ code, reason, delayMs, server }) => {
      if (done || delayMs === undefined) return;
      const state = proxy(server);
      const why = reason || (state.goneAway ?? '');
      io.stderr.write(disconnectedLine({ server, connected: state.registered, code, reason: why, error: state.lastError, delayMs }));
      state.registered = false;
      state.lastError = state.goneAway = undefined;
    });
    agent.on('drain', (reason, server) => io.stderr.write(drainLine(reason, named(server))));
    // Only drains end the agent without this command asking; finish() handles every other end.
    agent.on('closed', () => finish(ExitCode.Failed, 0));
  });
}

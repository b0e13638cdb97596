import { startAgent } from '../agent/connect.js';
import type { ConnectOptions } from '../agent/agent-options.js';
import type { AgentReady } from '../agent/harp-agent.js';
import { ExitCode, processStopSignal } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import { openConsole } from './console/agent-console.js';
import type { ConsoleService } from './console/console-state.js';
import type { LogFormat } from './console/log-format.js';
import {
  allExpiredLine,
  alsoRegisteredLine,
  disconnectedLine,
  drainLine,
  expiredLine,
  keyRejectedLine,
  reconnectedLine,
  routeWithdrawnLine,
} from './output.js';

/** Time requests in flight get to finish after the first Ctrl-C (a second one quits at once). */
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
  /** The Forwarding lines of its last registration: a reconnect that got other URLs prints them. */
  shown?: string;
}

/** What a command that runs an agent prints about its routes; the rest is the same for all. */
export interface AgentRunView {
  /** stdout, once: the first registration's public URLs. */
  forwarding(info: AgentReady): string;
  /** stderr: what a proxy refused of a registration; `server` is given when there are several. */
  refused(info: AgentReady, server: string | undefined): string;
  /** Called on every registration that accepted a route; returns a line for stderr, if any. */
  registered?(info: AgentReady): string | undefined;
  /** The agent console's settings: the format, the status block's title, the local servers. */
  console: { format: LogFormat; title: string; services: readonly ConsoleService[] };
}

/**
 * Runs an agent on every server until it is stopped (Ctrl-C, SIGTERM or `io.exit`), every
 * proxy rejected its key or refused every route, or every proxy drained it. Resolves with the
 * exit status. `harp http` and `harp start` differ only in their options and `view`. What it
 * prints goes through the agent console: these lines, with a live status block under them on a
 * terminal, or JSON events (`--log-format json`).
 */
export async function runAgent(options: ConnectOptions, io: CliIo, view: AgentRunView): Promise<ExitCode> {
  const { agent } = await startAgent(options);
  const servers = typeof options.server === 'string' ? [options.server] : options.server;
  const out = openConsole(agent, { io, servers, ...view.console });
  const fresh = (): ProxyState => ({ registered: false, everRegistered: false, refused: false });
  // One state per connection: a server by name, or each address of a name that has several.
  const label = (server: string, address?: string): string => (address === undefined ? server : `${server} (${address})`);
  const proxies = new Map<string, ProxyState>(servers.map((s) => [s, fresh()]));
  const proxy = (server: string, address?: string): ProxyState => {
    const key = label(server, address);
    let state = proxies.get(key);
    if (state === undefined) {
      // The name resolved to several addresses: their connections stand for the one by name.
      if (address !== undefined && proxies.get(server)?.everRegistered === false) proxies.delete(server);
      state = fresh();
      proxies.set(key, state);
    }
    return state;
  };
  // Lines name their proxy only when there is more than one: one proxy's output is unchanged.
  const named = (server: string, address?: string): string | undefined =>
    proxies.size > 1 || address !== undefined ? label(server, address) : undefined;
  const everyProxyRefused = (): boolean => [...proxies.values()].every((p) => p.refused);
  const stop = io.exit ? { signal: io.exit, dispose: () => undefined } : processStopSignal();
  return new Promise<ExitCode>((resolve) => {
    let done = false;
    let forwarding = false;
    const finish = (code: ExitCode, graceMs: number): void => {
      if (done) return;
      done = true;
      stop.signal.removeEventListener('abort', onStop);
      // A second Ctrl-C while requests finish still quits at once: the signals are let go after.
      void agent.close(graceMs).then(() => {
        stop.dispose();
        out.close(code);
        resolve(code);
      });
    };
    // A person (or a supervisor's SIGTERM) is told what the wait is for; a caller's io.exit is not.
    const onStop = (): void => {
      if (!io.exit && !done) out.stopping();
      finish(ExitCode.Ok, CLOSE_GRACE_MS);
    };
    if (stop.signal.aborted) return onStop();
    stop.signal.addEventListener('abort', onStop, { once: true });

    agent.on('registered', (info: AgentReady) => {
      const state = proxy(info.server, info.address);
      const refusals = view.refused(info, named(info.server, info.address));
      if (refusals) out.stderr.write(refusals);
      state.refused = info.accepted.length === 0;
      if (state.refused) return everyProxyRefused() ? finish(ExitCode.Refused, 0) : undefined;
      const lines = view.forwarding(info);
      if (state.everRegistered) out.stderr.write(reconnectedLine(label(info.server, info.address)));
      else if (forwarding) out.stderr.write(alsoRegisteredLine(label(info.server, info.address)));
      // A reconnect that got another URL (a token the proxy no longer honours) says so.
      if (!forwarding || (state.everRegistered && state.shown !== undefined && lines !== state.shown)) out.stdout.write(lines);
      state.shown = lines;
      forwarding = state.registered = state.everRegistered = true;
      state.goneAway = undefined;
      const note = view.registered?.(info);
      if (note) out.stderr.write(note);
    });
    // A route's --ttl (or a service's ttl) ended; when every route has, the command is done.
    agent.on('expired', (info) => {
      for (const route of info.routes) out.stderr.write(expiredLine(route, named(info.server, info.address)));
      if (!info.allExpired) return;
      out.stderr.write(allExpiredLine());
      finish(ExitCode.Ok, CLOSE_GRACE_MS);
    });
    agent.on('withdrawn', (info) => {
      for (const route of info.routes) out.stderr.write(routeWithdrawnLine(route, named(info.server, info.address)));
    });
    agent.on('exchange', (record) => out.request(record));
    agent.on('rejected', (info) => {
      out.stderr.write(keyRejectedLine(info, named(info.server, info.address)));
      proxy(info.server, info.address).refused = true;
      if (everyProxyRefused()) finish(ExitCode.Refused, 0);
    });
    agent.on('connectionError', (err, server, address) => (proxy(server, address).lastError = err.message));
    agent.on('goaway', (reason, server, address) => (proxy(server, address).goneAway = reason));
    agent.on('disconnected', ({ code, reason, delayMs, server, address }) => {
      if (done || delayMs === undefined) return;
      const state = proxy(server, address);
      const why = reason || (state.goneAway ?? '');
      out.stderr.write(
        disconnectedLine({ server: label(server, address), connected: state.registered, code, reason: why, error: state.lastError, delayMs }),
      );
      state.registered = false;
      state.lastError = state.goneAway = undefined;
    });
    agent.on('drain', (reason, server, address) => out.stderr.write(drainLine(reason, named(server, address))));
    // Only drains end the agent without this command asking; finish() handles every other end.
    agent.on('closed', () => finish(ExitCode.Failed, 0));
  });
}

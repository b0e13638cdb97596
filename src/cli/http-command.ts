import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startAgent } from '../agent/connect.js';
import type { AgentReady } from '../agent/harp-agent.js';
import { ExitCode, processStopSignal } from './cli-io.js';
import type { CliIo } from './cli-io.js';
import {
  allExpiredLine,
  alsoRegisteredLine,
  disconnectedLine,
  drainLine,
  exchangeLine,
  expiredLine,
  forwardingLines,
  keyRejectedLine,
  reconnectedLine,
  routeRejectedLine,
  routeWithdrawnLine,
} from './output.js';
import type { HttpCommand } from './parse-args.js';
import { UsageError } from './usage-error.js';
import { savedToken, saveToken, urlStateKey, urlStatePath } from './url-state.js';
import type { AgentRoute } from '../agent/agent-options.js';

/** `--ca FILE`: its certificates, or a usage error that says why the file will not do. */
function readCa(file: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (err) {
    throw new UsageError(`--ca: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, 'http');
  }
  try {
    new X509Certificate(pem);
  } catch {
    throw new UsageError(`--ca: ${file} holds no PEM certificate`, 'http');
  }
  return pem;
}

/** Where `--reuse-url` keeps this run's token, and the token an earlier run left. */
function reuseState(command: HttpCommand, env: NodeJS.ProcessEnv): { file: string; key: string; token?: string } | undefined {
  if (!command.reuseUrl) return undefined;
  const file = urlStatePath(env);
  const key = urlStateKey(command);
  const token = savedToken(file, key);
  return { file, key, ...(token === undefined ? {} : { token }) };
}

/** The one route `harp http` asks for. */
function routeOf(command: HttpCommand, token: string | undefined): AgentRoute {
  return {
    ...(command.subdomain === undefined ? { host: command.domain } : { subdomain: command.subdomain }),
    path: command.path,
    ...(command.rateLimit ? { rateLimit: command.rateLimit } : {}),
    ...(command.ttl ? { ttl: command.ttl } : {}),
    ...(token === undefined ? {} : { token }),
  };
}

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
  /** The Forwarding lines of its last registration: a reconnect that got other URLs prints them. */
  shown?: string;
}

/**
 * `harp http`: runs an agent on every `--server` until it is stopped (Ctrl-C, SIGTERM or
 * `io.exit`), every proxy rejected its key or refused every route, or every proxy drained it.
 * Resolves with the exit status.
 */
export async function runHttp(command: HttpCommand, io: CliIo): Promise<ExitCode> {
  const ca = command.caFile === undefined ? undefined : readCa(command.caFile);
  const reuse = reuseState(command, io.env);
  const { agent } = await startAgent({
    ...(ca === undefined ? {} : { ca }),
    server: command.servers,
    key: command.key,
    upstream: command.upstream,
    ...(command.h2 ? { h2: true } : {}),
    routes: [routeOf(command, reuse?.token)],
    name: command.name,
    weight: command.weight,
    access: command.access,
  });
  const fresh = (): ProxyState => ({ registered: false, everRegistered: false, refused: false });
  // One state per connection: a server by name, or each address of a name that has several.
  const label = (server: string, address?: string): string => (address === undefined ? server : `${server} (${address})`);
  const proxies = new Map<string, ProxyState>(command.servers.map((s) => [s, fresh()]));
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
      stop.dispose();
      stop.signal.removeEventListener('abort', onStop);
      void agent.close(graceMs).then(() => resolve(code));
    };
    const onStop = (): void => finish(ExitCode.Ok, CLOSE_GRACE_MS);
    if (stop.signal.aborted) return onStop();
    stop.signal.addEventListener('abort', onStop, { once: true });

    agent.on('registered', (info: AgentReady) => {
      const state = proxy(info.server, info.address);
      for (const rejection of info.rejected) io.stderr.write(routeRejectedLine(rejection, named(info.server, info.address)));
      state.refused = info.accepted.length === 0;
      if (state.refused) return everyProxyRefused() ? finish(ExitCode.Refused, 0) : undefined;
      const lines = forwardingLines(info.server, command.upstream, info.accepted);
      if (state.everRegistered) io.stderr.write(reconnectedLine(label(info.server, info.address)));
      else if (forwarding) io.stderr.write(alsoRegisteredLine(label(info.server, info.address)));
      // A reconnect that got another URL (a token the proxy no longer honours) says so.
      if (!forwarding || (state.everRegistered && state.shown !== undefined && lines !== state.shown)) io.stdout.write(lines);
      state.shown = lines;
      forwarding = state.registered = state.everRegistered = true;
      state.goneAway = undefined;
      const token = info.accepted.find((route) => route.token !== undefined)?.token;
      if (reuse && token !== undefined && token !== reuse.token) {
        try {
          saveToken(reuse.file, reuse.key, token);
          reuse.token = token;
        } catch (err) {
          io.stderr.write(`harp: cannot save the URL for --reuse-url in ${reuse.file}: ${(err as Error).message}\n`);
        }
      }
    });
    agent.on('expired', (info) => {
      for (const route of info.routes) io.stderr.write(expiredLine(route, named(info.server, info.address)));
      if (!info.allExpired) return;
      io.stderr.write(allExpiredLine());
      finish(ExitCode.Ok, CLOSE_GRACE_MS);
    });
    agent.on('withdrawn', (info) => {
      for (const route of info.routes) io.stderr.write(routeWithdrawnLine(route, named(info.server, info.address)));
    });
    agent.on('exchange', (record) => io.stdout.write(exchangeLine(record)));
    agent.on('rejected', (info) => {
      io.stderr.write(keyRejectedLine(info, named(info.server, info.address)));
      proxy(info.server, info.address).refused = true;
      if (everyProxyRefused()) finish(ExitCode.Refused, 0);
    });
    agent.on('connectionError', (err, server, address) => (proxy(server, address).lastError = err.message));
    agent.on('goaway', (reason, server, address) => (proxy(server, address).goneAway = reason));
    agent.on('disconnected', ({ code, reason, delayMs, server, address }) => {
      if (done || delayMs === undefined) return;
      const state = proxy(server, address);
      const why = reason || (state.goneAway ?? '');
      io.stderr.write(
        disconnectedLine({ server: label(server, address), connected: state.registered, code, reason: why, error: state.lastError, delayMs }),
      );
      state.registered = false;
      state.lastError = state.goneAway = undefined;
    });
    agent.on('drain', (reason, server, address) => io.stderr.write(drainLine(reason, named(server, address))));
    // Only drains end the agent without this command asking; finish() handles every other end.
    agent.on('closed', () => finish(ExitCode.Failed, 0));
  });
}

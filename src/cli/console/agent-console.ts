import type { HarpAgent } from '../../agent/harp-agent.js';
import type { ExchangeRecord } from '../../agent/upstream-relay.js';
import type { CliIo, CliOutput } from '../cli-io.js';
import { exchangeLine } from '../output.js';
import { ConsoleState } from './console-state.js';
import type { ConnectionState, ConsoleService } from './console-state.js';
import { jsonLine } from './json-events.js';
import type { JsonEvent } from './json-events.js';
import { LiveBlock } from './live-block.js';
import type { LogFormat } from './log-format.js';
import type { TerminalOutput } from './live-block.js';
import { terminalExchangeLine } from './request-line.js';
import { renderStatusBlock } from './status-block.js';


export interface ConsoleOptions {
  readonly io: CliIo;
  readonly format: LogFormat;
  /** The command, as the status block's title: `harp http`, `harp start`. */
  readonly title: string;
  /** The proxies, as given: each is `connecting` until it says otherwise. */
  readonly servers: readonly string[];
  /** The local servers and the routes each asked for, to name the upstream of a public URL. */
  readonly services: readonly ConsoleService[];
}

/** What a command running an agent prints through, whichever the format and the output. */
export interface AgentConsole {
  /**
   * Where the command writes its own text lines (the request log, its diagnostics): above the
   * status block on a terminal; as given when not one; nowhere with `json`, where the agent's
   * events are the log.
   */
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** One line of the request log: as harp http has always printed it; its status coloured on a terminal; none with `json`. */
  request(record: ExchangeRecord): void;
  /** The first Ctrl-C: the agent takes no new requests and waits for those in flight. Says so. */
  stopping(): void;
  /** The agent has stopped and the command ends with `exitCode`: the block's last drawing, or a last event. */
  close(exitCode: number): void;
}

const now = (): number => performance.now();
const silent: CliOutput = { write: () => undefined };

/**
 * Shows what `agent` does: with `json`, one object per line per event on stdout; otherwise the
 * command's own lines, and on a terminal a live status block under them (connections, public
 * URLs, requests in flight, req/s, p50/p90). NO_COLOR (not empty) turns colour off.
 */
export function openConsole(agent: HarpAgent, options: ConsoleOptions): AgentConsole {
  const { io, format, title, servers, services } = options;
  const state = new ConsoleState(title, services, servers, now());
  const json = format === 'json';
  // https://no-color.org: present and not empty.
  const color = !io.env.NO_COLOR;
  const block = !json && isTerminal(io.stdout, io.env) ? liveBlock(io.stdout, state, color) : undefined;
  const emit = (event: JsonEvent): void => void (json && io.stdout.write(jsonLine(event, new Date())));
  const changed = (): void => block?.changed();
  let closed = false;

  listen(agent, state, emit, changed);
  if (json) for (const server of servers) emit({ event: 'connection', state: 'connecting', server });

  const stderr = block && isTerminal(io.stderr, io.env) ? { write: (text: string) => block.print(text, io.stderr) } : io.stderr;
  return {
    stdout: json ? silent : block ? { write: (text: string) => block.print(text) } : io.stdout,
    stderr: json ? silent : stderr,
    request(record) {
      if (block) block.print(terminalExchangeLine(record, color));
      else if (!json) io.stdout.write(exchangeLine(record));
    },
    stopping() {
      state.stop();
      const inFlight = state.inFlight(now());
      emit({ event: 'stopping', inFlight });
      if (!json) stderr.write(stoppingLine(inFlight));
      changed();
    },
    close(exitCode) {
      if (closed) return;
      closed = true;
      state.end();
      block?.close();
      emit({ event: 'stopped', exitCode });
    },
  };
}

/** What the first Ctrl-C prints on stderr. */
export function stoppingLine(inFlight: number): string {
  const waiting = inFlight === 0 ? 'no request in flight' : `finishing ${inFlight} request${inFlight === 1 ? '' : 's'} in flight`;
  return `harp: stopping: ${waiting} (Ctrl-C again to quit now)\n`;
}

function isTerminal(output: CliOutput, env: NodeJS.ProcessEnv): output is TerminalOutput {
  return (output as TerminalOutput).isTTY === true && env.TERM !== 'dumb';
}

function liveBlock(terminal: TerminalOutput, state: ConsoleState, color: boolean): LiveBlock {
  return new LiveBlock(terminal, (width) => renderStatusBlock(state.view(now()), width, color));
}

// Labels as harp http's lines name connections: the server, and its address when a name has several.
const labelOf = (server: string, address?: string): string => (address === undefined ? server : `${server} (${address})`);

/** Feeds the agent's events to the state (and the JSON log). */
function listen(agent: HarpAgent, state: ConsoleState, emit: (event: JsonEvent) => void, changed: () => void): void {
  // A proxy that goes away says why; a connection that fails after it fails for that reason. Else
  // the last socket error: a close that follows it has no reason of its own (as harp http's lines).
  const goneAway = new Map<string, string>();
  const lastError = new Map<string, string>();
  const where = (server: string, address?: string) => (address === undefined ? { server } : { server, address });
  const set = (server: string, address: string | undefined, connection: ConnectionState, json = true): void => {
    state.down(labelOf(server, address), connection);
    if (json) emit({ event: 'connection', ...where(server, address), ...jsonState(connection) });
    changed();
  };

  agent.on('request', () => {
    state.requestStarted();
    changed();
  });
  agent.on('exchange', (record) => {
    state.requestEnded(now(), record.ms);
    emit({ event: 'request', record });
    changed();
  });
  agent.on('registered', ({ server, address, accepted, rejected, routes: outcomes }) => {
    const label = labelOf(server, address);
    lastError.delete(label);
    goneAway.delete(label);
    const byName = address === undefined ? undefined : server;
    const places = outcomes?.flatMap((outcome) => (outcome.accepted ? [outcome.index] : []));
    state.registered(label, server, accepted, byName, places?.length === accepted.length ? places : undefined);
    const routes = state.forwardingOf(label).map((f, i) => ({ ...f, host: accepted[i]!.host, path: accepted[i]!.path }));
    emit({ event: 'routes', ...where(server, address), routes, rejected });
    if (accepted.length === 0) return set(server, address, { state: 'offline', reason: 'every route refused' });
    emit({ event: 'connection', ...where(server, address), state: 'online' });
    changed();
  });
  agent.on('withdrawn', ({ server, address, routes }) => {
    state.withdrawn(labelOf(server, address), server, routes);
    emit({ event: 'withdrawn', ...where(server, address), routes });
    changed();
  });
  agent.on('expired', ({ server, address, routes, allExpired }) => {
    state.withdrawn(labelOf(server, address), server, routes);
    emit({ event: 'expired', ...where(server, address), routes, allExpired });
    changed();
  });
  agent.on('rejected', ({ server, address, code, reason }) => {
    emit({ event: 'error', ...where(server, address), code, message: `the proxy rejected the key: ${reason}` });
    set(server, address, { state: 'offline', reason: 'key rejected' });
  });
  agent.on('connectionError', (err, server, address) => {
    lastError.set(labelOf(server, address), err.message);
    emit({ event: 'error', ...where(server, address), message: err.message });
  });
  agent.on('goaway', (reason, server, address) => goneAway.set(labelOf(server, address), reason));
  agent.on('drain', (reason, server, address) => set(server, address, { state: 'draining', ...(reason ? { reason } : {}) }));
  agent.on('disconnected', ({ server, address, reason, delayMs }) => {
    const label = labelOf(server, address);
    const why = reason || goneAway.get(label) || lastError.get(label);
    goneAway.delete(label);
    lastError.delete(label);
    const because = why ? { reason: why } : {};
    if (delayMs === undefined) return set(server, address, { state: 'offline', ...because });
    set(server, address, { state: 'reconnecting', retryAt: now() + delayMs, ...because }, false);
    emit({ event: 'connection', ...where(server, address), state: 'reconnecting', retryInMs: delayMs, ...because });
  });
}

function jsonState(connection: ConnectionState): { state: ConnectionState['state']; reason?: string } {
  return 'reason' in connection && connection.reason ? { state: connection.state, reason: connection.reason } : { state: connection.state };
}

/**
 * The messages between the primary of `harp serve --workers N` and its workers, over the IPC
 * channel node:cluster opens, and the worker's end of them. No Nest here: the primary loads this.
 */
import { exitNow, NOT_A_SIGNAL } from './shutdown-signals.js';

/** A worker tells the primary it serves: its public port is bound and its node has joined. */
export interface WorkerReady {
  readonly harp: 'ready';
  /** The public port (the same for every worker). */
  readonly port: number;
  /** The HTTPS port, with TLS (the same for every worker). */
  readonly tlsPort?: number;
  /** The port its internal listener bound, which a worker started again in its slot takes back. */
  readonly clusterPort?: number;
}

/**
 * The primary asks a serving worker for its graceful shutdown, the one SIGTERM starts; with
 * `now`, to end at once as a second signal does (the primary got a second one).
 */
export interface WorkerStop {
  readonly harp: 'stop';
  readonly now?: 'SIGTERM' | 'SIGINT';
}

export const STOP: WorkerStop = { harp: 'stop' };

export function isWorkerReady(message: unknown): message is WorkerReady {
  const ready = message as Partial<WorkerReady> | null;
  const optionalPort = (value: unknown): boolean => value === undefined || typeof value === 'number';
  return ready?.harp === 'ready' && typeof ready.port === 'number' && optionalPort(ready.tlsPort) && optionalPort(ready.clusterPort);
}

function isWorkerStop(message: unknown): message is WorkerStop {
  return (message as Partial<WorkerStop> | null)?.harp === 'stop';
}

/**
 * The worker's end, once its proxy serves (its shutdown handlers are installed): tells the
 * primary, and answers the primary's stop.
 *
 * Why a message and not a forwarded SIGTERM: a worker is in its primary's process group, so
 * Ctrl-C at a terminal, or a service manager signalling the whole group, already delivers a
 * signal to every worker; a second one from the primary would count as the "second signal" that
 * cuts requests in flight (`shutdown-signals.ts`). Which of the two a worker sees first depends
 * on who the scheduler runs first, so the stop starts the shutdown by running the handlers of
 * SIGTERM marked {@link NOT_A_SIGNAL}: the very path a real SIGTERM takes, counted as none. A
 * worker already stopping because of its own signal ignores it.
 */
export function followPrimary(ready: Omit<WorkerReady, 'harp'>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => (stopping = true));
  process.on('message', (message: unknown) => {
    if (!isWorkerStop(message)) return;
    if (message.now) exitNow(message.now);
    if (stopping) return;
    (process.emit as (event: string, ...args: unknown[]) => boolean)('SIGTERM', 'SIGTERM', NOT_A_SIGNAL);
  });
  process.send?.({ harp: 'ready', ...ready } satisfies WorkerReady);
}

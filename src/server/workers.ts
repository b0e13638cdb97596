import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import type { HarpConfig } from '../config/harp-config.js';
import { bannerText } from './banner.js';
import { isWorkerReady, STOP } from './worker-link.js';
import { planWorkers, restartDelayMs, STABLE_AFTER_MS } from './worker-plan.js';
import type { WorkerSlot } from './worker-plan.js';

/** Exit status of a primary stopped by a second signal, as shells report one killed by it. */
const FORCED_EXIT_STATUS = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof FORCED_EXIT_STATUS;

/** One slot of the primary: the worker in it now (if any) and its history. */
interface Slot extends WorkerSlot {
  worker?: Worker;
  /** When the current worker said it serves; undefined while it starts. */
  servingSince?: number;
  everServed: boolean;
  deathsInARow: number;
  restartTimer?: NodeJS.Timeout;
  /** How the last worker of this slot ended, for the primary's own exit status. */
  lastExit?: { code: number | null; signal: string | null };
  /** This slot's worker was still starting at the stop, and got SIGTERM rather than the message. */
  killedStarting?: boolean;
  /** The internal port its last serving worker bound, and whether the next start takes it back. */
  clusterPort?: number;
  reusePort: boolean;
}

/** Where the primary writes its lines; stderr, as the proxy's other process-level messages. */
export type PrimaryOutput = (line: string) => void;

/**
 * The primary of `harp serve --workers N` (docs/cluster.md, "Workers"): forks N workers of this
 * same entry point (node:cluster re-runs it, and `launch.ts` sends a worker to the proxy), which
 * share the public port; each is a full cluster node. The primary itself serves nothing and loads
 * no Nest: it prints the banner once all serve, starts a worker that died again (with backoff),
 * passes SIGHUP (reload the certificates) on to each, and on SIGTERM or SIGINT asks each for its
 * graceful shutdown and exits once all have ended: 0 when every one stopped cleanly, 1
 * otherwise. A second signal is passed on as is, which makes the workers cut what is in flight,
 * and the primary exits with 130 or 143 once they are gone.
 *
 * Never resolves: the primary ends the process itself.
 */
export function runWorkers(config: HarpConfig, env: NodeJS.ProcessEnv, write: PrimaryOutput = (line) => process.stderr.write(line)): Promise<never> {
  const slots: Slot[] = planWorkers(config).map((plan) => ({ ...plan, everServed: false, deathsInARow: 0, reusePort: false }));
  let starting = true;
  let stopping: StopSignal | undefined;
  let forced: StopSignal | undefined;
  let failed = false;
  const name = (slot: Slot, worker = slot.worker): string => `worker ${slot.index} (${slot.nodeId}, pid ${worker?.process.pid ?? '-'})`;
  const alive = (): Slot[] => slots.filter((s) => s.worker !== undefined);

  const start = (slot: Slot): void => {
    slot.restartTimer = undefined;
    slot.servingSince = undefined;
    // The dead worker's own address: a record at the same address is taken back at once, while
    // one at another address would wait for the dead one's to expire (docs/cluster.md).
    const port = slot.reusePort && slot.clusterPort !== undefined ? { HARP_CLUSTER_PORT: String(slot.clusterPort) } : {};
    const worker = cluster.fork({ ...env, ...slot.env, ...port });
    slot.worker = worker;
    worker.on('message', (message: unknown) => {
      if (!isWorkerReady(message) || slot.worker !== worker) return;
      slot.servingSince = Date.now();
      slot.clusterPort = message.clusterPort;
      if (slot.everServed) write(`harp: ${name(slot)} is serving again\n`);
      slot.everServed = true;
      // Stopping: a worker that was still starting then got SIGTERM, not the message.
      if (!stopping && starting && slots.every((s) => s.everServed)) {
        starting = false;
        process.stdout.write(bannerText(config, message.port, message.tlsPort) + workersLine(slots));
      }
    });
    // A stop sent just as the worker died fails on its closed channel; 'exit' handles the death.
    worker.on('error', () => undefined);
    worker.once('exit', (code, signal) => onExit(slot, worker, code, signal));
  };

  const onExit = (slot: Slot, worker: Worker, code: number | null, signal: string | null): void => {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.lastExit = { code, signal };
    const how = signal ? `died of ${signal}` : `exited with status ${code}`;
    if (stopping) {
      write(`harp: ${name(slot, worker)} ${code === 0 || slot.killedStarting ? 'stopped' : how}\n`);
      if (alive().length === 0) finish();
      return;
    }
    if (!slot.everServed && starting) {
      // As one proxy would: a start-up that fails (a port taken, a bad file) ends the proxy.
      write(`harp: ${name(slot, worker)} ${how} before it served; stopping the other workers\n`);
      failed = true;
      stopping = 'SIGTERM';
      // Nothing served yet, so nothing is in flight: no drain to wait for.
      for (const other of alive()) other.worker!.process.kill('SIGKILL');
      if (alive().length === 0) finish();
      return;
    }
    // Only a worker that served had its port to itself; a start that failed may have found it taken.
    slot.reusePort = slot.servingSince !== undefined;
    const served = slot.servingSince === undefined ? 0 : Date.now() - slot.servingSince;
    slot.deathsInARow = served >= STABLE_AFTER_MS ? 1 : slot.deathsInARow + 1;
    const delay = restartDelayMs(slot.deathsInARow);
    write(`harp: ${name(slot, worker)} ${how}; starting it again in ${(delay / 1000).toFixed(1)} s\n`);
    slot.restartTimer = setTimeout(() => start(slot), delay);
  };

  const stop = (signal: StopSignal): void => {
    if (stopping) {
      if (forced) return;
      forced = signal;
      write(`harp: ${signal} during shutdown; passing it on, the workers cut what is in flight\n`);
      // A message, not the signal: a worker the first stop reached by message has counted no
      // signal yet, and would take this one for its first.
      for (const slot of alive()) {
        if (slot.servingSince === undefined) slot.worker!.process.kill('SIGKILL');
        else slot.worker!.send({ ...STOP, now: signal });
      }
      return;
    }
    stopping = signal;
    for (const slot of slots) clearTimeout(slot.restartTimer);
    const running = alive();
    write(`harp: ${signal}: stopping ${running.length} worker(s); each finishes what it has in flight\n`);
    if (running.length === 0) return finish();
    for (const slot of running) {
      // One still starting has no handler for the message yet, and nothing in flight either.
      if (slot.servingSince === undefined) {
        slot.killedStarting = true;
        slot.worker!.process.kill('SIGTERM');
      } else slot.worker!.send(STOP);
    }
  };

  const finish = (): never => {
    if (forced) process.exit(FORCED_EXIT_STATUS[forced]);
    const stoppedCleanly = (s: Slot): boolean => s.lastExit?.code === 0 || (s.killedStarting === true && s.lastExit?.signal === 'SIGTERM');
    const clean = !failed && slots.every(stoppedCleanly);
    write(clean ? 'harp: all workers stopped\n' : 'harp: all workers ended, not every one cleanly\n');
    process.exit(clean ? 0 : 1);
  };

  for (const signal of Object.keys(FORCED_EXIT_STATUS) as StopSignal[]) process.on(signal, () => stop(signal));
  // SIGHUP asks for renewed certificates (certbot's deploy hook signals the pid it knows, the
  // primary's): each worker reloads its own. Unhandled, it would end the primary.
  process.on('SIGHUP', () => {
    for (const slot of alive()) slot.worker!.process.kill('SIGHUP');
  });
  for (const slot of slots) start(slot);
  return new Promise<never>(() => undefined);
}

function workersLine(slots: readonly Slot[]): string {
  const list = slots.map((s) => `${s.nodeId} (pid ${s.worker?.process.pid ?? '-'})`).join(', ');
  return `  ${slots.length} workers on this port, each a node of the cluster: ${list}\n\n`;
}

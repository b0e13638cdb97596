// Measuring tools: one autocannon run (the fallback when wrk is not installed), and samplers for
// processes' RSS and CPU time.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createHistogram } from 'node:perf_hooks';

/** One load run's numbers. */
export interface LoadResult {
  url: string;
  connections: number;
  seconds: number;
  requests: number;
  bytes: number;
  requestsPerSec: number;
  /** Bytes received per second, headers included (autocannon counts whole responses). */
  bytesPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  /** Why these numbers cannot be trusted (errors, short bodies, nothing completed); empty if fine. */
  problems: string[];
}

/**
 * Autocannon 9 turns every body chunk into a string and concatenates it (`req.body += data`) in
 * case someone wants to check it. For an 8 MiB body that is a UTF-8 decode of 8 MiB per response
 * in the load generator, which shares the two cores with what we measure. We never look at the
 * body, so each client's body collector is made a no-op; the parser still reads every byte and a
 * response only counts once its Content-Length is complete.
 */
function discardBodies(client: { pipelinedRequests: { addBody(data: Buffer): void } }): void {
  client.pipelinedRequests.addBody = () => undefined;
}

/** Runs autocannon against `url`: `connections` keep-alive connections, no pipelining. */
export async function runLoad(opts: {
  url: string;
  connections: number;
  seconds: number;
  /** The body size; responses smaller than this on average make the run suspect. */
  bodyBytes: number;
  /** A POST of this body instead of a GET. */
  postBody?: Buffer;
}): Promise<LoadResult> {
  const tracker = autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    pipelining: 1,
    timeout: 30,
    ...(opts.postBody ? { method: 'POST', body: opts.postBody, headers: { 'content-type': 'application/octet-stream' } } : {}),
    setupClient: process.env.BENCH_KEEP_BODIES ? undefined : discardBodies,
  });
  // autocannon's own latency histogram has 1 ms resolution; a direct 1 KiB GET takes less.
  const latencyUs = createHistogram();
  tracker.on('response', (_client, _status, _bytes, latencyMs) => latencyUs.record(Math.max(1, Math.round(latencyMs * 1000))));
  const r = await tracker;
  const requests = r.requests.total;
  const bytes = r.throughput.total;
  const problems: string[] = [];
  if (requests === 0) problems.push('no request completed');
  if (r.errors) problems.push(`${r.errors} errors (${r.timeouts} timeouts)`);
  if (r.non2xx) problems.push(`${r.non2xx} non-2xx responses`);
  if (requests > 0 && bytes / requests < opts.bodyBytes) {
    problems.push(`responses average ${Math.round(bytes / requests)} bytes, body is ${opts.bodyBytes}`);
  }
  return {
    url: opts.url,
    connections: opts.connections,
    seconds: r.duration,
    requests,
    bytes,
    requestsPerSec: requests / r.duration,
    bytesPerSec: bytes / r.duration,
    latencyP50Ms: latencyUs.percentile(50) / 1000,
    latencyP99Ms: latencyUs.percentile(99) / 1000,
    latencyMeanMs: latencyUs.mean / 1000,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    problems,
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Resident set size of a process in bytes (VmRSS), or undefined once it is gone. */
export function readRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name: [0] is field 3 (state), so field n is [n - 3]. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used so far. */
export function readCpuSeconds(pid: number): number {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
  const f = statFields(pid);
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : 0; // utime, stime
}

/**
 * This process's CPU seconds plus those of its children that have exited and been reaped
 * (cutime + cstime): wrk's, once a run is over, since Node waits for every child it spawned.
 */
export function readLoadGeneratorCpuSeconds(): number {
  const f = statFields('self');
  return readCpuSeconds(process.pid) + (f ? (Number(f[13]) + Number(f[14])) / CLK_TCK : 0);
}

/** Children of a process (from /proc/<pid>/task/<tid>/children over its threads). */
function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** RSS of a process and its living descendants (nginx's master and workers), or undefined once it is gone. */
export function readTreeRss(pid: number): number | undefined {
  const own = readRss(pid);
  return own === undefined ? undefined : childPids(pid).reduce((sum, child) => sum + (readTreeRss(child) ?? 0), own);
}

/** CPU seconds of a process and its living descendants: nginx's master and workers. */
export function readTreeCpuSeconds(pid: number): number {
  return readCpuSeconds(pid) + childPids(pid).reduce((sum, child) => sum + readTreeCpuSeconds(child), 0);
}

/** Samples a process's RSS every `intervalMs`; keeps the peak of the whole run and of a window. */
export class RssSampler {
  peak = 0;
  last = 0;
  private windowPeak = 0;
  private readonly timer: NodeJS.Timeout;

  private readonly read: () => number | undefined;

  /** `source`: a pid, or a reader of the RSS to sample (e.g. {@link readTreeRss}). */
  constructor(source: number | (() => number | undefined), intervalMs = 100) {
    this.read = typeof source === 'number' ? () => readRss(source) : source;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = this.read();
    if (rss !== undefined) {
      this.last = rss;
      this.peak = Math.max(this.peak, rss);
      this.windowPeak = Math.max(this.windowPeak, rss);
    }
    return this.last;
  }

  /** Starts a new window; {@link windowMax} is the peak since. */
  startWindow(): void {
    this.windowPeak = this.sample();
  }

  windowMax(): number {
    this.sample();
    return this.windowPeak;
  }

  /** The median of `count` samples taken `intervalMs` apart: a steady idle figure. */
  async settled(count = 10, intervalMs = 100): Promise<number> {
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      values.push(this.sample());
      await new Promise((r) => setTimeout(r, intervalMs));
    }
    values.sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * CPU seconds the whole machine spent running processes, all cores (from /proc/stat): user,
 * nice, system and steal. Interrupt and softirq time, mostly our own loopback traffic, is left out.
 */
export function readMachineBusySeconds(): number {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , , , steal] = cpu;
    return (user + nice + system + (steal ?? 0)) / CLK_TCK;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds several processes use over a stretch of time, and `other`: what the rest of the
 * machine used meanwhile (and time the hypervisor stole), which makes the numbers unreliable
 * when it is large. Each process is a reader of its CPU seconds so far (readCpuSeconds,
 * readTreeCpuSeconds, readLoadGeneratorCpuSeconds).
 */
export class CpuMeter {
  private start = new Map<string, number>();
  private startMachine = 0;
  private startedAt = 0;

  constructor(private readonly readers: Record<string, () => number>) {}

  begin(): void {
    this.startedAt = performance.now();
    this.startMachine = readMachineBusySeconds();
    for (const [name, read] of Object.entries(this.readers)) this.start.set(name, read());
  }

  /** Wall seconds since begin() and CPU seconds per process, `other` included. */
  end(): { wallSeconds: number; cpuSeconds: Record<string, number> } {
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const cpuSeconds: Record<string, number> = {};
    let ours = 0;
    for (const [name, read] of Object.entries(this.readers)) {
      const used = Math.max(0, read() - (this.start.get(name) ?? 0));
      ours += used;
      cpuSeconds[name] = used;
    }
    cpuSeconds.other = Math.max(0, readMachineBusySeconds() - this.startMachine - ours);
    return { wallSeconds, cpuSeconds };
  }
}

// Arithmetic of the bench: medians over runs, ratios, CPU per request and per MiB.
import type { LoadResult } from './measure.js';

const MiB = 1024 * 1024;

export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!finite.length) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 ? finite[mid]! : (finite[mid - 1]! + finite[mid]!) / 2;
}

/** a ÷ b, or NaN when either is missing or b is not positive (a ratio that means nothing). */
export function ratio(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined || !(b > 0) ? NaN : a / b;
}

/** One timed run: the load generator's figures and the CPU seconds each process used meanwhile. */
export interface Run extends LoadResult {
  /** Wall time of the CPU window (the load generator's run, start-up included), seconds. */
  wallSeconds: number;
  /** CPU seconds (user + system) per process during the run. */
  cpuSeconds: Record<string, number>;
}

/** A process's CPU over a run, three ways. */
export interface CpuFigures {
  /** % of one core. */
  percent: number;
  /** µs of CPU per completed request. */
  usPerRequest: number;
  /** ms of CPU per MiB of body carried (both directions). */
  msPerMiB: number;
}

/** CPU figures of one process in one run; `bodyBytesPerRequest` counts both directions. */
export function cpuFigures(cpuSeconds: number, run: Pick<Run, 'wallSeconds' | 'requests'>, bodyBytesPerRequest: number): CpuFigures {
  const mib = (run.requests * bodyBytesPerRequest) / MiB;
  return {
    percent: ratio(cpuSeconds * 100, run.wallSeconds),
    usPerRequest: ratio(cpuSeconds * 1e6, run.requests),
    msPerMiB: ratio(cpuSeconds * 1e3, mib),
  };
}

/** N runs of one target (direct, nginx or HARP) of one workload, summarised. */
export interface Summary {
  /** Median over runs of each figure, taken separately. */
  requestsPerSec: number;
  bytesPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Totals over all runs: one error in any run counts. */
  errors: number;
  non2xx: number;
  problems: string[];
  /** Per process, the median over runs of each figure. */
  cpu: Record<string, CpuFigures>;
  runs: Run[];
}

export function summarize(runs: readonly Run[], bodyBytesPerRequest: number): Summary {
  const m = (f: (r: Run) => number): number => median(runs.map(f));
  const processes = [...new Set(runs.flatMap((r) => Object.keys(r.cpuSeconds)))];
  const cpu: Record<string, CpuFigures> = {};
  for (const p of processes) {
    const each = runs.map((r) => cpuFigures(r.cpuSeconds[p] ?? NaN, r, bodyBytesPerRequest));
    cpu[p] = {
      percent: median(each.map((c) => c.percent)),
      usPerRequest: median(each.map((c) => c.usPerRequest)),
      msPerMiB: median(each.map((c) => c.msPerMiB)),
    };
  }
  return {
    requestsPerSec: m((r) => r.requestsPerSec),
    bytesPerSec: m((r) => r.bytesPerSec),
    latencyP50Ms: m((r) => r.latencyP50Ms),
    latencyP99Ms: m((r) => r.latencyP99Ms),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    problems: [...new Set(runs.flatMap((r) => r.problems))],
    cpu,
    runs: [...runs],
  };
}

/** The figure a workload is judged by: requests/s, or MB/s (10^6 bytes, headers included). */
export function rateOf(unit: 'req/s' | 'MB/s', s: Pick<Summary, 'requestsPerSec' | 'bytesPerSec'>): number {
  return unit === 'req/s' ? s.requestsPerSec : s.bytesPerSec / 1e6;
}

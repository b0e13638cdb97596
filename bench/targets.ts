// The performance targets and their evaluation: met, missed, or not run (BENCH_ONLY).
import type { MemoryResult, WorkloadResult } from './report.js';
import { rateOf, ratio } from './stats.js';
import { WORKLOADS } from './workloads.js';

export interface TargetResult {
  name: string;
  target: string;
  value: string;
  /** null: not measured in this run (BENCH_ONLY). */
  pass: boolean | null;
  note?: string;
}

const MiB = 1024 * 1024;

/** Via HARP ÷ direct, at least. */
export const RATIO_TARGETS: Record<string, number> = { '1k': 0.2, '64k': 0.15, '8m': 0.2, post1m: 0.2, hit1k: 0.5 };
/** CPU per 1 KiB GET at 32 connections, µs. */
export const CPU_1K_PROXY_US = 40;
export const CPU_1K_AGENT_US = 30;
/** Proxy + agent CPU per MiB of body carried, ms, for the bulk workloads. */
export const BULK_MS_PER_MIB = 1.5;
export const BULK_WORKLOADS = ['8m', 'post1m'] as const;
export const IDLE_RSS_BYTES = 80 * MiB;
export const PEAK_256_RSS_BYTES = 160 * MiB;

const notRun = (name: string, target: string): TargetResult => ({ name, target, value: 'not run', pass: null });

/** Problems of a workload's direct and HARP runs, labelled; they fail its ratio targets. */
function problemsOf(w: WorkloadResult): string[] {
  return [...w.direct.problems.map((p) => `direct: ${p}`), ...w.harp.problems.map((p) => `via HARP: ${p}`)];
}

/** "1 KiB GET, 32 conns", from the workload table, so that a target reads the same whether it ran or not. */
function titleOf(name: string): string {
  const w = WORKLOADS.find((x) => x.name === name);
  return w ? `${w.title}, ${w.connections} conns` : name;
}

function ratioTarget(w: WorkloadResult | undefined, name: string, min: number): TargetResult {
  const unit = WORKLOADS.find((x) => x.name === name)?.unit ?? 'req/s';
  const label = `${titleOf(name)}: ${unit}`;
  const target = `≥ ${min.toFixed(2)}× direct`;
  if (!w) return notRun(label, target);
  const r = ratio(rateOf(unit, w.harp), rateOf(unit, w.direct));
  const issues = problemsOf(w);
  return { name: label, target, value: `${r.toFixed(2)}×`, pass: r >= min && issues.length === 0, note: issues.length ? issues.join('; ') : undefined };
}

function atMost(name: string, value: number | undefined, max: number, unit: string, digits: number): TargetResult {
  const target = `≤ ${max.toFixed(digits)} ${unit}`;
  if (value === undefined) return notRun(name, target);
  return { name, target, value: Number.isFinite(value) ? `${value.toFixed(digits)} ${unit}` : 'unknown', pass: value <= max };
}

export function evaluateTargets(workloads: readonly WorkloadResult[], memory: MemoryResult): TargetResult[] {
  const find = (name: string): WorkloadResult | undefined => workloads.find((w) => w.workload.name === name);
  const oneK = find('1k');
  // A workload that ran but lacks a figure gives NaN (a miss), one that did not run undefined.
  const usPerRequest = (p: string): number | undefined => oneK && (oneK.harp.cpu[p]?.usPerRequest ?? NaN);
  const out: TargetResult[] = [
    atMost('CPU per 1 KiB GET at 32 conns: proxy', usPerRequest('proxy'), CPU_1K_PROXY_US, 'µs', 0),
    atMost('CPU per 1 KiB GET at 32 conns: agent', usPerRequest('agent'), CPU_1K_AGENT_US, 'µs', 0),
  ];
  for (const name of BULK_WORKLOADS) {
    const w = find(name);
    const sum = w && (w.harp.cpu.proxy?.msPerMiB ?? NaN) + (w.harp.cpu.agent?.msPerMiB ?? NaN);
    out.push(atMost(`CPU per MiB, ${titleOf(name)}: proxy + agent`, sum, BULK_MS_PER_MIB, 'ms', 2));
  }
  for (const [name, min] of Object.entries(RATIO_TARGETS)) out.push(ratioTarget(find(name), name, min));

  const c256 = find('1k-c256');
  const errorsName = '1 KiB GET, 256 conns via HARP: errors';
  if (!c256) out.push(notRun(errorsName, '0'));
  else {
    const n = c256.harp.errors + c256.harp.non2xx;
    const issues = c256.harp.problems;
    out.push({ name: errorsName, target: '0', value: String(n), pass: n === 0 && issues.length === 0, note: issues.length ? issues.join('; ') : undefined });
  }
  const mib = (b: number | undefined): number | undefined => (b === undefined ? undefined : b / MiB);
  out.push(atMost('proxy RSS, idle', mib(memory.idleRssBytes), IDLE_RSS_BYTES / MiB, 'MiB', 0));
  out.push(atMost('proxy RSS, peak at 256 conns', mib(memory.peakDuring256Bytes), PEAK_256_RSS_BYTES / MiB, 'MiB', 0));
  return out;
}

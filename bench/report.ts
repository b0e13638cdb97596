// The results of `npm run bench` and the printed tables.
import type { Summary } from './stats.js';
import { rateOf, ratio } from './stats.js';
import type { TargetResult } from './targets.js';
import type { Workload } from './workloads.js';

export type { TargetResult } from './targets.js';

/** What a workload was measured through. */
export type Via = 'direct' | 'nginx' | 'harp';

export interface WorkloadResult {
  workload: Workload;
  direct: Summary;
  /** Absent when nginx is not installed. For cached workloads: nginx with proxy_cache. */
  nginx?: Summary;
  harp: Summary;
  /** Cached workloads: requests the upstream got for the path during the runs through each proxy (warm-up included); 0 expected. */
  upstreamRequests?: { harp: number; nginx?: number };
}

export interface MemoryResult {
  /** Proxy RSS with the agent connected, before any load. */
  idleRssBytes: number;
  /** Highest proxy RSS seen during the whole bench. */
  peakRssBytes: number;
  /** Highest proxy RSS during the runs through HARP at 256 connections (warm-up included). */
  peakDuring256Bytes?: number;
  /** Highest proxy RSS during the runs through HARP of the 8 MiB GET (warm-up included). */
  peakDuring8mBytes?: number;
  /** (peakDuring8m − idle) ÷ connections of the 8 MiB GET; for information. */
  growthPerTransferBytes?: number;
  agentIdleRssBytes: number;
  agentPeakRssBytes: number;
  /** nginx master + worker, when it ran. */
  nginxIdleRssBytes?: number;
  nginxPeakRssBytes?: number;
}

export interface BenchResults {
  date: string;
  node: string;
  cpus: number;
  seconds: number;
  warmupSeconds: number;
  runs: number;
  only?: string;
  loadGenerator: { tool: 'wrk' | 'autocannon'; note?: string };
  nginx: { version: string; workers: number; config: string } | null;
  workloads: WorkloadResult[];
  memory: MemoryResult;
  targets: TargetResult[];
}

const MiB = 1024 * 1024;
/** More than this much of a core (%) used outside the bench's processes during a run earns a warning. */
const OTHER_CPU_WARNING = 25;
/** Workloads with bodies up to this size report CPU per request; larger ones per MiB. */
const PER_REQUEST_MAX_BODY = 64 * 1024;

const mib = (b: number): string => `${(b / MiB).toFixed(1)} MiB`;
const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fixed = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const ms = (n: number): string => fixed(n, n < 10 ? 2 : 1);
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '');

export function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0]!.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i <= 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('   '));
  return out.map((l) => `  ${l}`).join('\n');
}

const VIA_LABEL: Record<Via, string> = { direct: 'direct', nginx: 'nginx', harp: 'HARP' };

/** The targets of a workload that ran, in column order. */
function vias(w: WorkloadResult): Via[] {
  return w.nginx ? ['direct', 'nginx', 'harp'] : ['direct', 'harp'];
}

const label = (w: Workload): string => `${w.title}, ${w.connections} conn${w.connections === 1 ? '' : 's'}`;

function throughputRows(w: WorkloadResult): string[][] {
  const unit = w.workload.unit;
  const direct = rateOf(unit, w.direct);
  const nginx = w.nginx && rateOf(unit, w.nginx);
  return vias(w).map((via, i) => {
    const s = w[via]!;
    const rate = rateOf(unit, s);
    return [
      i === 0 ? label(w.workload) : '',
      VIA_LABEL[via],
      int(s.requestsPerSec),
      fixed(s.bytesPerSec / 1e6, 1),
      ms(s.latencyP50Ms),
      ms(s.latencyP99Ms),
      `${s.errors} / ${s.non2xx}`,
      via === 'direct' ? '' : times(ratio(rate, direct)),
      via === 'harp' ? times(ratio(rate, nginx)) : '',
    ];
  });
}

/** Processes whose CPU a target's runs are about: the upstream always, then the proxy(ies). */
const PROCESSES: Record<Via, string[]> = { direct: ['upstream'], nginx: ['upstream', 'nginx'], harp: ['upstream', 'proxy', 'agent'] };

function cpuRows(w: WorkloadResult): string[][] {
  const perRequest = w.workload.bodyBytes <= PER_REQUEST_MAX_BODY;
  const pct = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '-' : `${n.toFixed(0)} %`);
  return vias(w).map((via, i) => {
    const s = w[via]!;
    const cell = (p: string): string => {
      const c = s.cpu[p];
      if (!PROCESSES[via].includes(p) || !c) return '';
      return perRequest ? fixed(c.usPerRequest, 1) : fixed(c.msPerMiB, 2);
    };
    return [
      i === 0 ? `${w.workload.name} (${perRequest ? 'µs/req' : 'ms/MiB'})` : '',
      VIA_LABEL[via],
      cell('proxy'),
      cell('agent'),
      cell('nginx'),
      cell('upstream'),
      pct(s.cpu.loadgen?.percent),
      pct(s.cpu.other?.percent),
    ];
  });
}

export function formatReport(res: BenchResults): string {
  const out: string[] = [];
  const lg = res.loadGenerator;
  out.push(
    '',
    `HARP bench — ${res.cpus} cores shared by the load generator, the upstream, nginx, the proxy and the agent; Node ${res.node}`,
    `${lg.tool}; median of ${res.runs} run(s) of ${res.seconds} s per target, after ${res.warmupSeconds} s of warm-up${res.only ? `; BENCH_ONLY=${res.only}` : ''}`,
    res.nginx ? `reference: nginx ${res.nginx.version}, ${res.nginx.workers} worker, keep-alive to the upstream; proxy_cache for the cached workloads` : 'reference: none (nginx is not installed)',
  );
  if (lg.note) out.push(`! ${lg.note}`);
  out.push('');

  out.push(table(res.workloads.flatMap(throughputRows), ['workload', 'via', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'err / non-2xx', '× direct', '× nginx']));
  out.push('  MB/s: 10^6 bytes a second, headers included. errors: socket errors and timeouts, summed over the runs.');
  const cached = res.workloads.filter((w) => w.workload.cached);
  if (cached.length) {
    out.push('  cached: every request through HARP (and nginx) is a cache hit; checked: `Cache-Status: HARP; hit` (`X-Cache-Status: HIT`)');
    for (const w of cached) {
      const u = w.upstreamRequests;
      if (u) out.push(`    ${w.workload.name}: upstream requests during the runs through HARP ${u.harp}${u.nginx === undefined ? '' : `, through nginx ${u.nginx}`}`);
    }
  }
  for (const w of res.workloads) for (const via of vias(w)) for (const p of w[via]!.problems) out.push(`  ! ${w.workload.name} ${VIA_LABEL[via]}: ${p}`);
  out.push('');

  out.push('CPU per request (µs) or per MiB of body carried, both directions (ms), median over the runs; load gen and other in % of one core:');
  out.push(table(res.workloads.flatMap(cpuRows), ['workload', 'via', 'proxy', 'agent', 'nginx', 'upstream', 'load gen', 'other']));
  const busiest = Math.max(0, ...res.workloads.flatMap((w) => vias(w).map((v) => w[v]!.cpu.other?.percent ?? 0)).filter(Number.isFinite));
  if (busiest > OTHER_CPU_WARNING) {
    out.push(`  ! up to ${busiest.toFixed(0)} % of a core went to other work during a run: the machine was not quiet, so`,
      '    the absolute numbers are less reliable; the ratios (same run, same conditions) less so.');
  }
  out.push('');

  const m = res.memory;
  out.push('Memory (RSS, sampled every 100 ms):');
  const memRows = [
    ['proxy idle (agent connected, before load)', mib(m.idleRssBytes)],
    ['proxy peak (whole bench)', mib(m.peakRssBytes)],
  ];
  if (m.peakDuring256Bytes !== undefined) memRows.push(['proxy peak at 256 connections', mib(m.peakDuring256Bytes)]);
  if (m.peakDuring8mBytes !== undefined) {
    memRows.push(['proxy peak during the 8 MiB GET', mib(m.peakDuring8mBytes)]);
    memRows.push(['proxy growth per concurrent 8 MiB transfer', mib(m.growthPerTransferBytes ?? 0)]);
  }
  memRows.push(['agent idle → peak', `${mib(m.agentIdleRssBytes)} → ${mib(m.agentPeakRssBytes)}`]);
  if (m.nginxIdleRssBytes !== undefined) memRows.push(['nginx (master + worker) idle → peak', `${mib(m.nginxIdleRssBytes)} → ${mib(m.nginxPeakRssBytes ?? 0)}`]);
  out.push(table(memRows), '');

  out.push('Targets:');
  out.push(table(res.targets.map((t) => [t.name, t.target, t.value, t.pass === null ? 'not run' : t.pass ? 'met' : 'MISSED']), ['target', 'required', 'measured', '']));
  for (const t of res.targets) if (t.note) out.push(`  ! ${t.name}: ${t.note}`);
  out.push('');
  return out.join('\n');
}

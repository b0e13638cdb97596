// Ratios, targets and the printed table.
import type { LoadResult } from './measure.js';

export interface Run extends LoadResult {
  /** CPU use during the timed run, in % of one core, per process. */
  cpu: Record<string, number>;
}

export interface ScenarioResult {
  name: '1k' | '8m' | 'hit1k' | 'hit64k';
  title: string;
  path: string;
  connections: number;
  bodyBytes: number;
  /** Served with `Cache-Control: public, max-age=3600`: through HARP, every request is a cache hit. */
  cached: boolean;
  direct: Run;
  proxied: Run;
  /** Cached scenarios: requests the upstream got for `path` during the runs through HARP (warm-up included); 0 expected. */
  upstreamRequestsViaHarp?: number;
}

export interface MemoryResult {
  /** Proxy RSS with the agent connected, before any load. */
  idleRssBytes: number;
  /** Highest proxy RSS seen during the whole bench. */
  peakRssBytes: number;
  /** Highest proxy RSS during the proxied 8 MiB runs (warm-up included). */
  peakDuring8mBytes?: number;
  /** (peakDuring8m − idle) / connections of the 8 MiB scenario. */
  growthPerTransferBytes?: number;
  agentIdleRssBytes: number;
  agentPeakRssBytes: number;
}

export interface TargetResult {
  name: string;
  target: string;
  value: string;
  /** null: not measured in this run (BENCH_ONLY). */
  pass: boolean | null;
  note?: string;
}

export interface BenchResults {
  date: string;
  node: string;
  cpus: number;
  seconds: number;
  warmupSeconds: number;
  only?: string;
  loadGenerator: { tool: string; pipelining: number; bodies: string };
  scenarios: ScenarioResult[];
  /** Via HARP ÷ direct. The cache-hit ratios have no target in the spec. */
  ratios: { rps1k?: number; mbps8m?: number; rpsHit1k?: number; rpsHit64k?: number };
  memory: MemoryResult;
  targets: TargetResult[];
}

const MiB = 1024 * 1024;
export const THROUGHPUT_TARGET = 0.3;
export const GROWTH_TARGET_BYTES = 16 * MiB;
/** More than this much of a core (%) used outside the bench's processes during a run earns a warning. */
const OTHER_CPU_WARNING = 25;

export function ratios(scenarios: ScenarioResult[]): BenchResults['ratios'] {
  const find = (name: string): ScenarioResult | undefined => scenarios.find((s) => s.name === name);
  const rps = (s: ScenarioResult | undefined): number | undefined => s && s.proxied.requestsPerSec / s.direct.requestsPerSec;
  const m = find('8m');
  return {
    rps1k: rps(find('1k')),
    mbps8m: m && m.proxied.bytesPerSec / m.direct.bytesPerSec,
    rpsHit1k: rps(find('hit1k')),
    rpsHit64k: rps(find('hit64k')),
  };
}

export function evaluateTargets(scenarios: ScenarioResult[], memory: MemoryResult): TargetResult[] {
  const r = ratios(scenarios);
  const problems = (name: string): string[] => {
    const s = scenarios.find((x) => x.name === name);
    return s ? [...s.direct.problems.map((p) => `direct: ${p}`), ...s.proxied.problems.map((p) => `via HARP: ${p}`)] : [];
  };
  const ratioTarget = (name: string, label: string, ratio: number | undefined): TargetResult => {
    if (ratio === undefined) return { name: label, target: `≥ ${THROUGHPUT_TARGET.toFixed(2)}× direct`, value: 'not run', pass: null };
    const issues = problems(name);
    return {
      name: label,
      target: `≥ ${THROUGHPUT_TARGET.toFixed(2)}× direct`,
      value: `${ratio.toFixed(2)}×`,
      pass: ratio >= THROUGHPUT_TARGET && issues.length === 0,
      note: issues.length ? issues.join('; ') : undefined,
    };
  };
  const growth = memory.growthPerTransferBytes;
  return [
    ratioTarget('1k', '1 KiB GET req/s', r.rps1k),
    ratioTarget('8m', '8 MiB GET MB/s', r.mbps8m),
    growth === undefined
      ? { name: 'proxy RSS growth per 8 MiB transfer', target: '< 16 MiB', value: 'not run', pass: null }
      : {
          name: 'proxy RSS growth per 8 MiB transfer',
          target: '< 16 MiB',
          value: `${(growth / MiB).toFixed(1)} MiB`,
          pass: growth < GROWTH_TARGET_BYTES,
        },
  ];
}

// ---- formatting ----

const mib = (b: number): string => `${(b / MiB).toFixed(1)} MiB`;
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (n: number): string => n.toFixed(n < 10 ? 2 : 1);
const x = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-');

function table(rows: string[][], header?: string[]): string {
  const all = header ? [header, ...rows] : rows;
  const widths = all[0].map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ').trimEnd();
  const out = all.map(line);
  if (header) out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('   '));
  return out.map((l) => `  ${l}`).join('\n');
}

export function formatReport(res: BenchResults): string {
  const out: string[] = [];
  out.push(
    '',
    `HARP bench — ${res.cpus} cores shared by load generator, proxy, agent and upstream; Node ${res.node}`,
    `${res.seconds} s per run after ${res.warmupSeconds} s warm-up; autocannon, no pipelining, bodies ${res.loadGenerator.bodies}${res.only ? `; BENCH_ONLY=${res.only}` : ''}`,
    '',
  );

  const rows: string[][] = [];
  for (const s of res.scenarios) {
    const label = `${s.title}, ${s.connections} conns`;
    const { direct: d, proxied: p } = s;
    if (s.name !== '8m') rows.push([label, 'req/s', int(d.requestsPerSec), int(p.requestsPerSec), x(p.requestsPerSec / d.requestsPerSec)]);
    else rows.push([label, 'MB/s', (d.bytesPerSec / 1e6).toFixed(1), (p.bytesPerSec / 1e6).toFixed(1), x(p.bytesPerSec / d.bytesPerSec)]);
    if (s.name === '8m') rows.push(['', 'req/s', d.requestsPerSec.toFixed(1), p.requestsPerSec.toFixed(1), '']);
    rows.push(['', 'latency p50 ms', ms(d.latencyP50Ms), ms(p.latencyP50Ms), x(p.latencyP50Ms / d.latencyP50Ms)]);
    rows.push(['', 'latency p99 ms', ms(d.latencyP99Ms), ms(p.latencyP99Ms), x(p.latencyP99Ms / d.latencyP99Ms)]);
    rows.push(['', 'errors / non-2xx', `${d.errors} / ${d.non2xx}`, `${p.errors} / ${p.non2xx}`, '']);
    if (s.upstreamRequestsViaHarp !== undefined) rows.push(['', 'upstream requests', '', int(s.upstreamRequestsViaHarp), '']);
  }
  out.push(table(rows, ['scenario', 'metric', 'direct', 'via HARP', 'ratio']));
  const cached = res.scenarios.filter((s) => s.cached);
  if (cached.length) {
    out.push('  cached: every request through HARP is a cache hit (checked: `Cache-Status: HARP; hit`, and the upstream',
      '  requests it got for the path during the runs through HARP). No target in the spec: ratios for information.');
    for (const s of cached) for (const p of [...s.direct.problems.map((q) => `direct: ${q}`), ...s.proxied.problems.map((q) => `via HARP: ${q}`)]) out.push(`  ! ${s.title}: ${p}`);
  }
  out.push('');

  out.push('CPU during the timed runs (% of one core; 200 % = both cores busy):');
  const cpuRows = res.scenarios.flatMap((s) => [
    [`${s.name} direct`, ...cpuCols(s.direct.cpu)],
    [`${s.name} via HARP`, ...cpuCols(s.proxied.cpu)],
  ]);
  out.push(table(cpuRows, ['run', 'load gen', 'upstream', 'proxy', 'agent', 'bench total', 'other']));
  const busiest = Math.max(...res.scenarios.flatMap((s) => [s.direct.cpu.other ?? 0, s.proxied.cpu.other ?? 0]));
  if (busiest > OTHER_CPU_WARNING) {
    out.push(`  ! up to ${busiest.toFixed(0)} % of a core went to other work during a run: the machine was not quiet, so`,
      '    these numbers (and the ratios) are less reliable; run again when nothing else is running.');
  }
  out.push('');

  const m = res.memory;
  out.push('Memory (RSS, sampled every 100 ms):');
  const memRows = [
    ['proxy idle (agent connected, before load)', mib(m.idleRssBytes)],
    ['proxy peak (whole bench)', mib(m.peakRssBytes)],
  ];
  if (m.peakDuring8mBytes !== undefined) {
    memRows.push(['proxy peak during 8 MiB runs', mib(m.peakDuring8mBytes)]);
    memRows.push(['proxy growth per concurrent 8 MiB transfer', mib(m.growthPerTransferBytes ?? 0)]);
  }
  memRows.push(['agent idle → peak', `${mib(m.agentIdleRssBytes)} → ${mib(m.agentPeakRssBytes)}`]);
  out.push(table(memRows), '');

  out.push('Targets (product spec):');
  out.push(
    table(
      res.targets.map((t) => [t.name, t.target, t.value, t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL']),
      ['target', 'required', 'measured', ''],
    ),
  );
  for (const t of res.targets) if (t.note) out.push(`  ! ${t.name}: ${t.note}`);
  out.push('');
  return out.join('\n');
}

function cpuCols(cpu: Record<string, number>): string[] {
  const f = (n: number | undefined): string => (n === undefined ? '-' : `${n.toFixed(0)} %`);
  const total = cpu.loadgen + cpu.upstream + cpu.proxy + cpu.agent;
  return [f(cpu.loadgen), f(cpu.upstream), f(cpu.proxy), f(cpu.agent), f(total), f(cpu.other)];
}

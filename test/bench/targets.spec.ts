import type { MemoryResult, WorkloadResult } from '../../bench/report.js';
import type { CpuFigures, Summary } from '../../bench/stats.js';
import { evaluateTargets, type TargetResult } from '../../bench/targets.js';
import { WORKLOADS } from '../../bench/workloads.js';

const MiB = 1024 * 1024;
const cpu = (usPerRequest: number, msPerMiB = NaN): CpuFigures => ({ percent: 50, usPerRequest, msPerMiB });

function summary(over: Partial<Summary> = {}): Summary {
  return { requestsPerSec: 1000, bytesPerSec: 1e9, latencyP50Ms: 1, latencyP99Ms: 2, errors: 0, non2xx: 0, problems: [], cpu: {}, runs: [], ...over };
}

function workload(name: string, direct: Partial<Summary>, harp: Partial<Summary>): WorkloadResult {
  return { workload: WORKLOADS.find((w) => w.name === name)!, direct: summary(direct), harp: summary(harp) };
}

const memory: MemoryResult = { idleRssBytes: 70 * MiB, peakRssBytes: 150 * MiB, peakDuring256Bytes: 150 * MiB, agentIdleRssBytes: 0, agentPeakRssBytes: 0 };

const byName = (targets: TargetResult[], pattern: RegExp): TargetResult => {
  const t = targets.filter((x) => pattern.test(x.name));
  expect(t).toHaveLength(1);
  return t[0]!;
};

describe('evaluateTargets', () => {
  it('lists every target as not run when nothing ran, except what memory alone shows', () => {
    const targets = evaluateTargets([], { ...memory, peakDuring256Bytes: undefined });
    expect(targets.filter((t) => t.pass === null).map((t) => t.name)).toEqual([
      'CPU per 1 KiB GET at 32 conns: proxy',
      'CPU per 1 KiB GET at 32 conns: agent',
      'CPU per MiB, 8 MiB GET, 8 conns: proxy + agent',
      'CPU per MiB, 1 MiB POST, echoed, 8 conns: proxy + agent',
      '1 KiB GET, 32 conns: req/s',
      '64 KiB GET, 32 conns: req/s',
      '8 MiB GET, 8 conns: MB/s',
      '1 MiB POST, echoed, 8 conns: MB/s',
      'cached 1 KiB GET, 32 conns: req/s',
      '1 KiB GET, 256 conns via HARP: errors',
      'proxy RSS, peak at 256 conns',
    ]);
    expect(byName(targets, /RSS, idle/)).toMatchObject({ value: '70 MiB', pass: true });
  });

  it('checks the proxy and agent CPU per 1 KiB request against 40 and 30 µs', () => {
    const at = (proxy: number, agent: number): TargetResult[] => evaluateTargets([workload('1k', {}, { cpu: { proxy: cpu(proxy), agent: cpu(agent) } })], memory);
    expect(byName(at(40, 30), /: proxy$/).pass).toBe(true);
    expect(byName(at(40, 30), /: agent$/).pass).toBe(true);
    expect(byName(at(41, 30), /: proxy$/)).toMatchObject({ value: '41 µs', pass: false });
    expect(byName(at(40, 31), /: agent$/).pass).toBe(false);
  });

  it('checks proxy + agent CPU per MiB of the bulk workloads against 1.5 ms', () => {
    const bulk = (proxy: number, agent: number): TargetResult =>
      byName(evaluateTargets([workload('8m', {}, { cpu: { proxy: cpu(NaN, proxy), agent: cpu(NaN, agent) } })], memory), /CPU per MiB, 8 MiB/);
    expect(bulk(0.9, 0.6)).toMatchObject({ value: '1.50 ms', pass: true });
    expect(bulk(0.9, 0.7).pass).toBe(false);
  });

  it('treats a figure that could not be measured as a miss', () => {
    const t = byName(evaluateTargets([workload('1k', {}, { cpu: {} })], memory), /: proxy$/);
    expect(t).toMatchObject({ value: 'unknown', pass: false });
  });

  it.each<[string, number, 'req/s' | 'MB/s']>([
    ['1k', 0.2, 'req/s'],
    ['64k', 0.15, 'req/s'],
    ['8m', 0.2, 'MB/s'],
    ['post1m', 0.2, 'MB/s'],
    ['hit1k', 0.5, 'req/s'],
  ])('checks the %s ratio to direct against %d×, in %s', (name, min, unit) => {
    const field = unit === 'req/s' ? 'requestsPerSec' : 'bytesPerSec';
    const at = (r: number): TargetResult => {
      const targets = evaluateTargets([workload(name, { [field]: 1000 }, { [field]: 1000 * r })], memory);
      return targets.find((t) => t.name.endsWith(`: ${unit}`) && t.pass !== null)!;
    };
    expect(at(min).pass).toBe(true);
    expect(at(min - 0.01).pass).toBe(false);
  });

  it('misses a ratio whose runs had problems, however high, and says which', () => {
    const targets = evaluateTargets([workload('1k', { problems: ['3 non-2xx responses'] }, { requestsPerSec: 1000 })], memory);
    expect(byName(targets, /^1 KiB GET, 32 conns: req\/s$/)).toMatchObject({ value: '1.00×', pass: false, note: 'direct: 3 non-2xx responses' });
  });

  it('needs 256 connections through HARP without errors or non-2xx responses', () => {
    const at = (harp: Partial<Summary>): TargetResult => byName(evaluateTargets([workload('1k-c256', {}, harp)], memory), /256 conns via HARP/);
    expect(at({})).toMatchObject({ value: '0', pass: true });
    expect(at({ errors: 2, non2xx: 1 })).toMatchObject({ value: '3', pass: false });
    expect(at({ problems: ['responses average 900 bytes, body is 1024'] }).pass).toBe(false);
  });

  it('checks the proxy RSS: ≤ 80 MiB idle, ≤ 160 MiB at 256 connections', () => {
    const at = (idle: number, peak: number): TargetResult[] => evaluateTargets([], { ...memory, idleRssBytes: idle * MiB, peakDuring256Bytes: peak * MiB });
    expect(byName(at(80, 160), /idle/).pass).toBe(true);
    expect(byName(at(80, 160), /peak at 256/).pass).toBe(true);
    expect(byName(at(81, 160), /idle/).pass).toBe(false);
    expect(byName(at(80, 161), /peak at 256/)).toMatchObject({ value: '161 MiB', pass: false });
  });
});

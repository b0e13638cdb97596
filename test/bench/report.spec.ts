import { formatReport, type BenchResults } from '../../bench/report.js';
import type { Summary } from '../../bench/stats.js';
import { WORKLOADS } from '../../bench/workloads.js';

const MiB = 1024 * 1024;

function summary(requestsPerSec: number, cpu: Summary['cpu'] = {}): Summary {
  return { requestsPerSec, bytesPerSec: requestsPerSec * 1100, latencyP50Ms: 0.5, latencyP99Ms: 3, errors: 0, non2xx: 0, problems: [], cpu, runs: [] };
}

function results(over: Partial<BenchResults> = {}): BenchResults {
  const figures = (usPerRequest: number) => ({ percent: 90, usPerRequest, msPerMiB: NaN });
  return {
    date: '2026-01-01T00:00:00.000Z', node: 'v20.0.0', cpus: 2, seconds: 3, warmupSeconds: 2, runs: 3,
    loadGenerator: { tool: 'wrk' },
    nginx: { version: '1.22.1', workers: 1, config: '' },
    workloads: [{
      workload: WORKLOADS.find((w) => w.name === '1k')!,
      direct: summary(40_000, { upstream: figures(14) }),
      nginx: summary(20_000, { upstream: figures(15), nginx: figures(12.5) }),
      harp: summary(4_000, { upstream: figures(26), proxy: figures(167.6), agent: figures(122.1) }),
    }],
    memory: { idleRssBytes: 100 * MiB, peakRssBytes: 150 * MiB, agentIdleRssBytes: 90 * MiB, agentPeakRssBytes: 120 * MiB },
    targets: [{ name: 'CPU per 1 KiB GET at 32 conns: proxy', target: '≤ 40 µs', value: '168 µs', pass: false }],
    ...over,
  };
}

describe('formatReport', () => {
  it('gives each target its ratio to direct, and HARP its ratio to nginx', () => {
    const text = formatReport(results());
    expect(text).toMatch(/^\s+nginx\s+20,000\s.*\s0\.50×$/m);
    expect(text).toMatch(/^\s+HARP\s+4,000\s.*\s0\.10×\s+0\.20×$/m);
  });

  it('shows per-request CPU of the processes each target ran through', () => {
    const text = formatReport(results());
    expect(text).toMatch(/^\s+1k \(µs\/req\)\s+direct\s+14\.0\s/m);
    expect(text).toMatch(/^\s+HARP\s+167\.6\s+122\.1\s+26\.0\s/m);
    expect(text).toMatch(/^\s+nginx\s+12\.5\s+15\.0\s/m);
  });

  it('marks a missed target', () => {
    expect(formatReport(results())).toMatch(/CPU per 1 KiB GET at 32 conns: proxy\s+≤ 40 µs\s+168 µs\s+MISSED/);
  });

  it('warns when autocannon stood in for wrk, and says when there was no nginx', () => {
    const note = 'wrk is not installed: … apt-get install -y wrk';
    const { nginx: _nginx, ...withoutNginx } = results().workloads[0]!;
    const text = formatReport(results({ loadGenerator: { tool: 'autocannon', note }, nginx: null, workloads: [withoutNginx] }));
    expect(text).toContain(`! ${note}`);
    expect(text).toContain('reference: none (nginx is not installed)');
    expect(text).not.toMatch(/^\s+nginx\s/m);
  });
});

// The arithmetic of `npm run bench:agents`: percentiles of the registration round trips, RSS per
// agent, extra latency, and the targets met or missed. Pure, for test/bench/agent-targets.spec.ts.

const MiB = 1024 * 1024;

/** The targets of docs/performance.md for many idle agents on one proxy. */
export const AGENT_TARGETS = { rssMiB: 300, registerP99Ms: 10, extraLatencyMs: 1 } as const;

export interface AgentsMeasured {
  readonly expected: number;
  /** Register → registered round trips of the agents that registered, ms. */
  readonly registerMs: readonly number[];
  readonly failures: readonly string[];
  readonly idleRssBeforeBytes: number;
  readonly idleRssAfterBytes: number;
  /** Median latency of a request through the real agent before and after, ms. */
  readonly latencyBeforeMs: number;
  readonly latencyAfterMs: number;
}

export interface AgentsSummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly bytesPerAgent: number;
  readonly extraLatencyMs: number;
  readonly targets: ReadonlyArray<{ name: string; pass: boolean }>;
}

/** The value below which a share `q` of the sorted `values` lie (nearest rank); NaN when empty. */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarizeAgents(m: AgentsMeasured): AgentsSummary {
  const sorted = [...m.registerMs].sort((a, b) => a - b);
  const p99Ms = percentile(sorted, 0.99);
  const extraLatencyMs = m.latencyAfterMs - m.latencyBeforeMs;
  return {
    p50Ms: percentile(sorted, 0.5),
    p99Ms,
    maxMs: percentile(sorted, 1),
    bytesPerAgent: (m.idleRssAfterBytes - m.idleRssBeforeBytes) / Math.max(1, sorted.length),
    extraLatencyMs,
    targets: [
      { name: `all ${m.expected} agents registered`, pass: m.failures.length === 0 && sorted.length === m.expected },
      { name: `proxy RSS with the agents ≤ ${AGENT_TARGETS.rssMiB} MiB`, pass: m.idleRssAfterBytes <= AGENT_TARGETS.rssMiB * MiB },
      { name: `registration p99 ≤ ${AGENT_TARGETS.registerP99Ms} ms`, pass: p99Ms <= AGENT_TARGETS.registerP99Ms },
      { name: `request latency ≤ ${AGENT_TARGETS.extraLatencyMs} ms extra`, pass: extraLatencyMs <= AGENT_TARGETS.extraLatencyMs },
    ],
  };
}

import { percentile, summarizeAgents } from '../../bench/agent-targets.js';

const MiB = 1024 * 1024;
const base = {
  expected: 4,
  registerMs: [4, 1, 3, 2],
  failures: [],
  idleRssBeforeBytes: 100 * MiB,
  idleRssAfterBytes: 104 * MiB,
  latencyBeforeMs: 1.5,
  latencyAfterMs: 1.7,
};

describe('percentile', () => {
  it.each([
    [0.5, 2],
    [0.99, 4],
    [1, 4],
    [0, 1],
  ])('q %p of 1…4 is %p (nearest rank)', (q, expected) => {
    expect(percentile([1, 2, 3, 4], q)).toBe(expected);
  });

  it('is NaN without values', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});

describe('summarizeAgents', () => {
  it('sorts the round trips, divides the RSS growth among the agents and meets every target', () => {
    const s = summarizeAgents(base);
    expect([s.p50Ms, s.p99Ms, s.maxMs]).toEqual([2, 4, 4]);
    expect(s.bytesPerAgent).toBe(MiB);
    expect(s.extraLatencyMs).toBeCloseTo(0.2);
    expect(s.targets.every((t) => t.pass)).toBe(true);
  });

  it.each([
    ['a failed agent', { failures: ['closed'] }, 0],
    ['a missing agent', { registerMs: [1, 2, 3] }, 0],
    ['RSS over 300 MiB', { idleRssAfterBytes: 301 * MiB }, 1],
    ['a slow registration', { registerMs: [1, 2, 3, 11] }, 2],
    ['latency 1 ms worse', { latencyAfterMs: 2.6 }, 3],
  ])('misses a target on %s', (_, change, missed) => {
    const s = summarizeAgents({ ...base, ...change });
    expect(s.targets.map((t) => t.pass)).toEqual([0, 1, 2, 3].map((i) => i !== missed));
  });
});

import { cpuFigures, median, rateOf, ratio, summarize, type Run } from '../../bench/stats.js';

const MiB = 1024 * 1024;

function run(over: Partial<Run> = {}): Run {
  return {
    url: 'http://h/1k', connections: 32, seconds: 5, requests: 50_000, bytes: 50_000 * 1100,
    requestsPerSec: 10_000, bytesPerSec: 11e6, latencyP50Ms: 1, latencyP99Ms: 5, latencyMeanMs: 1.2,
    errors: 0, timeouts: 0, non2xx: 0, problems: [], wallSeconds: 5, cpuSeconds: { proxy: 2, agent: 1 },
    ...over,
  };
}

describe('median', () => {
  it.each<[number[], number]>([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
    [[5, NaN, 1, 3], 3],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('is NaN for no finite value', () => {
    expect(median([])).toBeNaN();
    expect(median([NaN, Infinity])).toBeNaN();
  });
});

describe('ratio', () => {
  it('divides, and is NaN when a side is missing or the base is not positive', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(undefined, 4)).toBeNaN();
    expect(ratio(3, undefined)).toBeNaN();
    expect(ratio(3, 0)).toBeNaN();
  });
});

describe('cpuFigures', () => {
  it('gives % of a core, µs per request and ms per MiB of body', () => {
    // 2 CPU seconds over 5 s, 50,000 requests of 1 KiB = 48.83 MiB.
    const c = cpuFigures(2, { wallSeconds: 5, requests: 50_000 }, 1024);
    expect(c.percent).toBeCloseTo(40);
    expect(c.usPerRequest).toBeCloseTo(40);
    expect(c.msPerMiB).toBeCloseTo(2000 / ((50_000 * 1024) / MiB));
  });

  it('is NaN per request when nothing completed', () => {
    expect(cpuFigures(1, { wallSeconds: 5, requests: 0 }, 1024).usPerRequest).toBeNaN();
  });
});

describe('summarize', () => {
  it('takes the median of each figure and the sum of errors over the runs', () => {
    const s = summarize(
      [
        run({ requestsPerSec: 9_000, latencyP99Ms: 9, errors: 2, problems: ['2 socket errors (0 timeouts)'] }),
        run({ requestsPerSec: 11_000, latencyP99Ms: 4, non2xx: 1, problems: ['1 non-2xx responses'] }),
        run({ requestsPerSec: 10_000, latencyP99Ms: 6, cpuSeconds: { proxy: 3, agent: 1 } }),
      ],
      1024,
    );
    expect(s.requestsPerSec).toBe(10_000);
    expect(s.latencyP99Ms).toBe(6);
    expect(s.errors).toBe(2);
    expect(s.non2xx).toBe(1);
    expect(s.problems).toEqual(['2 socket errors (0 timeouts)', '1 non-2xx responses']);
    expect(s.cpu.proxy!.usPerRequest).toBeCloseTo(40); // runs of 2, 2 and 3 s over 50,000 requests: median 2 s
    expect(s.cpu.agent!.usPerRequest).toBeCloseTo(20);
    expect(s.runs).toHaveLength(3);
  });
});

describe('rateOf', () => {
  it('is requests/s, or MB/s in 10^6 bytes', () => {
    expect(rateOf('req/s', { requestsPerSec: 5, bytesPerSec: 2e6 })).toBe(5);
    expect(rateOf('MB/s', { requestsPerSec: 5, bytesPerSec: 2e6 })).toBe(2);
  });
});

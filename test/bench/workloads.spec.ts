import { bodyBytesPerRequest, runOrder, selectWorkloads, WORKLOADS } from '../../bench/workloads.js';

const names = (ws: { name: string }[]): string[] => ws.map((w) => w.name);

describe('the workloads', () => {
  it('are the ones the targets name, in report order', () => {
    expect(names([...WORKLOADS])).toEqual(['1k-c1', '1k', '1k-c256', '64k', '8m', 'post1m', 'hit1k', 'hit64k']);
    expect(WORKLOADS.map((w) => w.connections)).toEqual([1, 32, 256, 32, 8, 8, 32, 32]);
  });
});

describe('selectWorkloads (BENCH_ONLY)', () => {
  it('selects all when unset or blank', () => {
    expect(selectWorkloads(undefined)).toHaveLength(WORKLOADS.length);
    expect(selectWorkloads(' ')).toHaveLength(WORKLOADS.length);
  });

  it('selects a comma-separated list and groups, in report order', () => {
    expect(names(selectWorkloads('post1m, 1k'))).toEqual(['1k', 'post1m']);
    expect(names(selectWorkloads('hit'))).toEqual(['hit1k', 'hit64k']);
    expect(names(selectWorkloads('bulk,hit1k'))).toEqual(['8m', 'post1m', 'hit1k']);
  });

  it('refuses an unknown name, naming the known ones', () => {
    expect(() => selectWorkloads('1k,2k')).toThrow(/unknown workload "2k" \(known: 1k-c1, 1k, .*hit64k, hit, bulk\)/);
  });
});

describe('runOrder', () => {
  it('runs the 8 MiB GET first and the cache hits last', () => {
    expect(names(runOrder(WORKLOADS))).toEqual(['8m', '1k-c1', '1k', '1k-c256', '64k', 'post1m', 'hit1k', 'hit64k']);
  });
});

describe('bodyBytesPerRequest', () => {
  it('counts the echoed POST body twice, a GET body once', () => {
    const post = WORKLOADS.find((w) => w.name === 'post1m')!;
    const get = WORKLOADS.find((w) => w.name === '8m')!;
    expect(bodyBytesPerRequest(post)).toBe(2 * 1024 * 1024);
    expect(bodyBytesPerRequest(get)).toBe(8 * 1024 * 1024);
  });
});

// The workloads of `npm run bench`, and which of them a run selects (BENCH_ONLY).
const KiB = 1024;
const MiB = 1024 * KiB;

export interface Workload {
  /** Short name: BENCH_ONLY, JSON keys, the CPU table. */
  readonly name: string;
  readonly title: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly connections: number;
  /** The response body; for the POST echo also the request body. */
  readonly bodyBytes: number;
  /** Served fresh for an hour: through HARP (and the nginx reference) every request is a cache hit. */
  readonly cached: boolean;
  /** The figure the ratio is taken of. */
  readonly unit: 'req/s' | 'MB/s';
}

/** In report order. */
export const WORKLOADS: readonly Workload[] = [
  { name: '1k-c1', title: '1 KiB GET', method: 'GET', path: '/1k', connections: 1, bodyBytes: KiB, cached: false, unit: 'req/s' },
  { name: '1k', title: '1 KiB GET', method: 'GET', path: '/1k', connections: 32, bodyBytes: KiB, cached: false, unit: 'req/s' },
  { name: '1k-c256', title: '1 KiB GET', method: 'GET', path: '/1k', connections: 256, bodyBytes: KiB, cached: false, unit: 'req/s' },
  { name: '64k', title: '64 KiB GET', method: 'GET', path: '/64k', connections: 32, bodyBytes: 64 * KiB, cached: false, unit: 'req/s' },
  { name: '8m', title: '8 MiB GET', method: 'GET', path: '/8m', connections: 8, bodyBytes: 8 * MiB, cached: false, unit: 'MB/s' },
  { name: 'post1m', title: '1 MiB POST, echoed', method: 'POST', path: '/echo', connections: 8, bodyBytes: MiB, cached: false, unit: 'MB/s' },
  { name: 'hit1k', title: 'cached 1 KiB GET', method: 'GET', path: '/c1k', connections: 32, bodyBytes: KiB, cached: true, unit: 'req/s' },
  { name: 'hit64k', title: 'cached 64 KiB GET', method: 'GET', path: '/c64k', connections: 32, bodyBytes: 64 * KiB, cached: true, unit: 'req/s' },
];

/** BENCH_ONLY names that stand for several workloads. */
const GROUPS: Record<string, string[]> = { hit: ['hit1k', 'hit64k'], bulk: ['8m', 'post1m'] };

/**
 * The workloads BENCH_ONLY names (a comma-separated list of names or groups), all when unset.
 * Throws on an unknown name, so that a typo does not silently measure nothing.
 */
export function selectWorkloads(only: string | undefined): Workload[] {
  if (!only?.trim()) return [...WORKLOADS];
  const wanted = new Set<string>();
  for (const raw of only.split(',')) {
    const name = raw.trim();
    if (!name) continue;
    const names = GROUPS[name] ?? [name];
    for (const n of names) {
      if (!WORKLOADS.some((w) => w.name === n)) {
        const known = [...WORKLOADS.map((w) => w.name), ...Object.keys(GROUPS)].join(', ');
        throw new Error(`BENCH_ONLY: unknown workload ${JSON.stringify(name)} (known: ${known})`);
      }
      wanted.add(n);
    }
  }
  return WORKLOADS.filter((w) => wanted.has(w.name));
}

/**
 * The order the workloads run in: the 8 MiB GET first, so that its RSS growth is measured
 * against a proxy that has seen no load, the cache hits last (the check before the runs stored
 * their objects, and nothing else should have evicted them); the rest in report order.
 */
export function runOrder(selected: readonly Workload[]): Workload[] {
  const rank = (w: Workload): number => (w.name === '8m' ? 0 : w.cached ? 2 : 1);
  return [...selected].sort((a, b) => rank(a) - rank(b));
}

/** Body bytes a request carries through a proxy, both directions: the POST echo carries its body twice. */
export function bodyBytesPerRequest(w: Workload): number {
  return w.method === 'POST' ? 2 * w.bodyBytes : w.bodyBytes;
}

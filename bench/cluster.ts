// `npm run bench:cluster`: what the hop between two nodes of a cluster costs, in one run.
//
//   upstream   children/upstream.ts   plain node:http, /1k and /8m from buffers
//   node A     node dist/main.js      cluster mode: a secret, the Redis, a key prefix of this run
//   node B     node dist/main.js      the same; the agent connects here
//   agent      children/agent.ts      connect() from src/agent, routes `*` + `/` on node B
//   load       wrk when installed, else autocannon in this process (with a warning)
//
// Three targets per load: direct (the upstream), one node (load on B, which holds the agent:
// the path every request of a single proxy takes) and two nodes (load on A, which has no agent
// and forwards every request to B over its internal listener). Each round runs the three once,
// the order rotated so that a noisy machine's drift spreads over all of them; the report gives
// medians over the rounds, each target's ratio to direct and two nodes' ratio to one node.
//
// Needs Redis (HARP_BENCH_REDIS_URL, default redis://127.0.0.1:6379); exits 1 without it.
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (3).
import { createClient } from '@redis/client';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './measure.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren, withTimeout } from './processes.js';
import { chooseLoadGenerator } from './load-generator.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const LOADS = [
  { name: '1k', title: '1 KiB GET', path: '/1k', connections: 32, bodyBytes: 1024, unit: 'req/s' },
  { name: '8m', title: '8 MiB GET', path: '/8m', connections: 8, bodyBytes: 8 * 1024 * 1024, unit: 'MB/s' },
] as const;
type Load = (typeof LOADS)[number];

const TARGETS = ['direct', 'one node', 'two nodes'] as const;
type Target = (typeof TARGETS)[number];

const REDIS_URL = process.env.HARP_BENCH_REDIS_URL || 'redis://127.0.0.1:6379';
const SECRET = randomBytes(24).toString('base64url');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** The figure a load is judged by: requests/s for 1 KiB, MB/s (10^6 bytes) for 8 MiB. */
const rate = (load: Load, r: LoadResult): number => (load.unit === 'req/s' ? r.requestsPerSec : r.bytesPerSec / 1e6);

const newClient = () => createClient({ url: REDIS_URL, disableOfflineQueue: true, socket: { connectTimeout: 2000, reconnectStrategy: false } });
type Redis = ReturnType<typeof newClient>;

/** A client on the bench's Redis, or a clear failure: the cluster cannot run without one. */
async function redisOrFail(): Promise<Redis> {
  const client = newClient();
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    console.error(`bench:cluster needs Redis: cluster mode shares its directory there, and none answers at ${REDIS_URL} (${reason}).`);
    console.error('Start one (redis-server) or point HARP_BENCH_REDIS_URL at one.');
    process.exit(1);
  }
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
}

interface Cell {
  rates: number[];
  /** Ratio to the same round's direct run. */
  ratios: number[];
  p50: number[];
  p99: number[];
  problems: string[];
}

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const rounds = Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 3)));
  const redis = await redisOrFail();
  const generator = chooseLoadGenerator();
  if (generator.warning) log(`! ${generator.warning}`);
  const wrk = generator.name === 'wrk';
  const load = generator.run;

  const key = randomBytes(18).toString('base64url');
  const prefix = `harp:bench:${randomBytes(4).toString('hex')}:`;
  const cluster = { HARP_CLUSTER_SECRET: SECRET, HARP_REDIS_URL: REDIS_URL, HARP_REDIS_PREFIX: prefix };
  const upstream = String((await startTsChild('upstream', './children/upstream.ts')).info.url);
  const a = await startProxy(key, { name: 'node A', env: { ...cluster, HARP_NODE_ID: 'bench-a' } });
  const b = await startProxy(key, { name: 'node B', env: { ...cluster, HARP_NODE_ID: 'bench-b' } });
  await startTsChild('agent', './children/agent.ts', { HARP_BENCH_SERVER: b.url.replace(/^http/, 'ws'), HARP_BENCH_KEY: key, HARP_BENCH_UPSTREAM: upstream });
  log(`upstream ${upstream}, node A ${a.url} (pid ${a.child.pid}), node B ${b.url} (pid ${b.child.pid}) with the agent; Redis ${REDIS_URL}, prefix ${prefix}`);

  // Node A forwards once its directory shows B's route: a GET through it answers 200.
  await withTimeout(
    (async () => {
      while ((await httpGet(`${a.url}/1k`).catch(() => undefined))?.status !== 200) await sleep(100);
    })(),
    15_000,
    'node A does not forward to node B',
  );
  const urls: Record<Target, string> = { direct: upstream, 'one node': b.url, 'two nodes': a.url };
  for (const l of LOADS) {
    const [d, one, two] = await Promise.all(TARGETS.map((t) => httpGet(urls[t] + l.path)));
    if (d!.body.length !== l.bodyBytes || !d!.body.equals(one!.body) || !d!.body.equals(two!.body)) {
      throw new Error(`${l.path}: direct, one node and two nodes do not return the same ${l.bodyBytes} bytes`);
    }
  }
  log('both nodes route; direct, one node and two nodes return identical bodies');

  const cells = new Map<string, Cell>();
  const cell = (l: Load, t: Target): Cell => {
    const k = `${l.name} ${t}`;
    if (!cells.has(k)) cells.set(k, { rates: [], ratios: [], p50: [], p99: [], problems: [] });
    return cells.get(k)!;
  };
  for (const l of LOADS) {
    for (let round = 0; round < rounds; round++) {
      const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
      const got = new Map<Target, LoadResult>();
      for (const t of order) {
        const opts = { url: urls[t] + l.path, connections: l.connections, bodyBytes: l.bodyBytes };
        if (warmup > 0) await load({ ...opts, seconds: warmup });
        const r = await load({ ...opts, seconds });
        got.set(t, r);
        for (const p of r.problems) log(`  ! ${l.name} ${t}: ${p}`);
        log(`${l.name} round ${round + 1}/${rounds} ${t.padEnd(9)} ${rate(l, r).toFixed(l.unit === 'req/s' ? 0 : 1)} ${l.unit}, p50 ${r.latencyP50Ms.toFixed(2)} ms`);
        await sleep(500); // let connections close before the next run
      }
      const direct = rate(l, got.get('direct')!);
      for (const [t, r] of got) {
        const c = cell(l, t);
        c.rates.push(rate(l, r));
        c.ratios.push(rate(l, r) / direct);
        c.p50.push(r.latencyP50Ms);
        c.p99.push(r.latencyP99Ms);
        c.problems.push(...r.problems);
      }
    }
  }
  await stopChildren();
  await deleteKeys(redis, prefix);
  redis.destroy();

  const lines: string[] = [
    '',
    `HARP bench:cluster — ${availableParallelism()} cores shared by the load generator, two nodes, the agent, the upstream and Redis; Node ${process.version}`,
    `${wrk ? 'wrk' : 'autocannon (wrk not installed: ratios optimistic)'}; median of ${rounds} round(s) of ${seconds} s after ${warmup} s warm-up each`,
  ];
  const results: Record<string, unknown> = {};
  for (const l of LOADS) {
    lines.push('', `${l.title}, ${l.connections} connections`);
    lines.push(`  ${'target'.padEnd(10)} ${l.unit.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}   ratio to direct`);
    const summary: Record<string, unknown> = {};
    for (const t of TARGETS) {
      const c = cell(l, t);
      const value = median(c.rates);
      lines.push(`  ${t.padEnd(10)} ${value.toFixed(l.unit === 'req/s' ? 0 : 1).padStart(9)} ${median(c.p50).toFixed(2).padStart(8)} ${median(c.p99).toFixed(2).padStart(8)}   ${median(c.ratios).toFixed(2)}×`);
      summary[t] = { rate: value, unit: l.unit, ratioToDirect: median(c.ratios), p50Ms: median(c.p50), p99Ms: median(c.p99), rounds: c.rates, problems: c.problems };
    }
    const one = cell(l, 'one node');
    const two = cell(l, 'two nodes');
    const kept = median(two.ratios.map((r, i) => r / one.ratios[i]!));
    const addedMs = median(two.p50.map((p, i) => p - one.p50[i]!));
    lines.push(`  the extra hop: two nodes keep ${kept.toFixed(2)}× of one node's ${l.unit}, p50 latency ${addedMs >= 0 ? '+' : ''}${addedMs.toFixed(2)} ms`);
    summary.hop = { keptOfOneNode: kept, addedP50Ms: addedMs };
    results[l.name] = summary;
    for (const t of TARGETS) for (const p of new Set(cell(l, t).problems)) lines.push(`  ! ${t}: ${p}`);
  }
  lines.push(
    '',
    'Two nodes: node A takes the request, finds no local agent, sends it to node B over a keep-alive',
    'connection to B\'s internal listener, and B carries it to the agent as one node does. The hop adds',
    'one more Node process and one more loopback crossing for every byte, on the same cores.',
  );
  console.log(lines.join('\n'));
  await mkdir(here('./results/'), { recursive: true });
  const file = here('./results/cluster.json');
  await writeFile(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: availableParallelism(), loadGenerator: wrk ? 'wrk' : 'autocannon', seconds, warmupSeconds: warmup, rounds, results }, null, 2)}\n`);
  log('results written to bench/results/cluster.json');
}

main().catch((err) => fail(err));

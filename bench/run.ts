// `npm run bench`: a local upstream measured directly and through proxy + agent, in one run.
//
//   upstream   children/upstream.ts   plain node:http, /1k, /8m (and cacheable /c1k, /c64k) from buffers
//   proxy      node dist/main.js      the built proxy (Nest needs decorator metadata: no tsx)
//   agent      children/agent.ts      connect() from src/agent, routes `*` + `/` to the upstream
//   load       this process           autocannon
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_ONLY=1k|8m|hit, BENCH_PROFILE=<dir>.
// Flag: --strict.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CpuMeter, RssSampler, runLoad } from './measure.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren, upstreamCounts } from './processes.js';
import { evaluateTargets, formatReport, ratios } from './report.js';
import type { BenchResults, MemoryResult, Run, ScenarioResult } from './report.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// In report order. `cached`: the upstream marks it fresh for an hour, so HARP answers it from
// its cache (BENCH_ONLY=hit runs both of those).
const SCENARIOS = [
  { name: '1k', title: '1 KiB GET', path: '/1k', connections: 32, bodyBytes: 1024, cached: false },
  { name: '8m', title: '8 MiB GET', path: '/8m', connections: 8, bodyBytes: 8 * 1024 * 1024, cached: false },
  { name: 'hit1k', title: 'cached 1 KiB GET', path: '/c1k', connections: 32, bodyBytes: 1024, cached: true },
  { name: 'hit64k', title: 'cached 64 KiB GET', path: '/c64k', connections: 32, bodyBytes: 64 * 1024, cached: true },
] as const;
type Scenario = (typeof SCENARIOS)[number];


// ---- main ----

async function main(): Promise<void> {
  const SECONDS = envNumber('BENCH_SECONDS', 10);
  const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 2);
  const ONLY = process.env.BENCH_ONLY || undefined;
  const STRICT = process.argv.includes('--strict');
  if (ONLY && ONLY !== '1k' && ONLY !== '8m' && ONLY !== 'hit') throw new Error(`BENCH_ONLY must be 1k, 8m or hit, got ${ONLY}`);
  const selected = SCENARIOS.filter((s) => !ONLY || ONLY === (s.cached ? 'hit' : s.name));
  if (SECONDS < 1) throw new Error('BENCH_SECONDS must be at least 1');

  const key = randomBytes(18).toString('base64url');

  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const upstreamUrl = String(upstream.info.url);
  const proxy = await startProxy(key);
  const agent = await startTsChild('agent', './children/agent.ts', {
    HARP_BENCH_SERVER: proxy.url.replace(/^http/, 'ws'),
    HARP_BENCH_KEY: key,
    HARP_BENCH_UPSTREAM: upstreamUrl,
  });
  log(`upstream ${upstreamUrl} (pid ${upstream.child.pid}), proxy ${proxy.url} (pid ${proxy.child.pid}), agent pid ${agent.child.pid}`);

  // The proxy routes once a GET through it answers 200.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await httpGet(`${proxy.url}/1k`).catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`the proxy does not route to the agent (last status ${r?.status})`);
    await sleep(100);
  }
  // Both paths deliver the same bytes, in full.
  for (const s of SCENARIOS) {
    const [d, p] = await Promise.all([httpGet(upstreamUrl + s.path), httpGet(proxy.url + s.path)]);
    if (d.body.length !== s.bodyBytes || !d.body.equals(p.body)) {
      throw new Error(`${s.path}: direct gave ${d.body.length} bytes, via HARP ${p.body.length} bytes (status ${p.status}), not the same body`);
    }
  }
  log('routing works; both paths return identical bodies');
  // The check above stored the cacheable objects (one request each through HARP); the next
  // request must be a hit, or the cache-hit scenario would measure something else.
  for (const s of selected.filter((x) => x.cached)) {
    await sleep(100); // the store completes just after the response ends
    const r = await httpGet(proxy.url + s.path);
    const status = String(r.headers['cache-status'] ?? '');
    if (r.status !== 200 || !/^HARP; hit(;|$)/.test(status) || !r.body.equals((await httpGet(upstreamUrl + s.path)).body)) {
      throw new Error(`${s.path}: the second request through HARP was not a cache hit (status ${r.status}, Cache-Status: ${status || 'none'}); BENCH_ONLY=1k or 8m skips the cache-hit scenario`);
    }
  }
  if (selected.some((s) => s.cached)) log('cacheable objects are stored: a second request through HARP is `Cache-Status: HARP; hit`');

  const proxyRss = new RssSampler(proxy.child.pid!);
  const agentRss = new RssSampler(agent.child.pid!);
  const cpu = new CpuMeter({ loadgen: process.pid, upstream: upstream.child.pid!, proxy: proxy.child.pid!, agent: agent.child.pid! });
  await sleep(500);
  const memory: MemoryResult = {
    idleRssBytes: await proxyRss.settled(),
    peakRssBytes: 0,
    agentIdleRssBytes: agentRss.sample(),
    agentPeakRssBytes: 0,
  };

  async function measure(label: string, url: string, s: Scenario): Promise<Run> {
    if (WARMUP_SECONDS > 0) {
      log(`${label}: warm-up ${WARMUP_SECONDS} s`);
      await runLoad({ url, connections: s.connections, seconds: WARMUP_SECONDS, bodyBytes: s.bodyBytes });
    }
    log(`${label}: ${SECONDS} s at ${s.connections} connections`);
    cpu.begin();
    const result = await runLoad({ url, connections: s.connections, seconds: SECONDS, bodyBytes: s.bodyBytes });
    const run = { ...result, cpu: cpu.end() };
    for (const p of run.problems) log(`  ! ${p}`);
    await sleep(500); // let connections close before the next run
    return run;
  }

  // The 8 MiB scenario runs first so that its RSS growth is measured against a proxy that has
  // seen no load yet, the cache hits last; the report lists them in SCENARIOS order.
  const scenarios: ScenarioResult[] = [];
  for (const s of [...selected].sort((a, b) => Number(b.name === '8m') - Number(a.name === '8m'))) {
    const direct = await measure(`${s.name} direct`, upstreamUrl + s.path, s);
    proxyRss.startWindow();
    const before = s.cached ? await upstreamCounts(upstream.child) : {};
    const proxied = await measure(`${s.name} via HARP`, proxy.url + s.path, s);
    const result: ScenarioResult = { ...s, direct, proxied };
    if (s.name === '8m') {
      memory.peakDuring8mBytes = proxyRss.windowMax();
      memory.growthPerTransferBytes = Math.max(0, memory.peakDuring8mBytes - memory.idleRssBytes) / s.connections;
    }
    if (s.cached) {
      // Every request of the proxied runs (warm-up included) should have been a hit.
      const n = ((await upstreamCounts(upstream.child))[s.path] ?? 0) - (before[s.path] ?? 0);
      result.upstreamRequestsViaHarp = n;
      if (n > 0) proxied.problems.push(`the upstream received ${n} request(s) for ${s.path} during the runs through HARP (cache hits need none)`);
      log(`  upstream requests for ${s.path} during the runs through HARP: ${n}`);
    }
    scenarios.push(result);
  }
  scenarios.sort((a, b) => SCENARIOS.findIndex((s) => s.name === a.name) - SCENARIOS.findIndex((s) => s.name === b.name));
  memory.peakRssBytes = proxyRss.peak;
  memory.agentPeakRssBytes = agentRss.peak;
  proxyRss.stop();
  agentRss.stop();

  const results: BenchResults = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    only: ONLY,
    loadGenerator: { tool: 'autocannon', pipelining: 1, bodies: process.env.BENCH_KEEP_BODIES ? 'kept (autocannon default)' : 'discarded' },
    scenarios,
    ratios: ratios(scenarios),
    memory,
    targets: evaluateTargets(scenarios, memory),
  };

  await stopChildren();
  console.log(formatReport(results));
  await mkdir(here('./results/'), { recursive: true });
  await writeFile(here('./results/latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('results written to bench/results/latest.json');

  const missed = results.targets.filter((t) => t.pass === false);
  if (STRICT && missed.length) {
    console.error(`--strict: ${missed.length} target(s) missed`);
    process.exitCode = 1;
  }
}

main().catch((err) => fail(err));

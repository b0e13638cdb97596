// `npm run bench`: a local upstream measured directly, through nginx (when installed) and
// through HARP (proxy + agent), in one run, with the same load generator and loads.
//
//   upstream   children/upstream.ts   plain node:http: fixed bodies from buffers, POST /echo
//   nginx      nginx (nginx.ts)       the reference reverse proxy, generated config in a temp dir
//   proxy      node dist/main.js      the built proxy (Nest needs decorator metadata: no tsx)
//   agent      children/agent.ts      connect() from src/agent, routes `*` + `/` to the upstream
//   load       wrk when installed, else autocannon in this process (with a warning)
//
// Env: BENCH_SECONDS (5), BENCH_WARMUP_SECONDS (2), BENCH_RUNS (3), BENCH_ONLY=<names>,
// BENCH_PROFILE=<dir>. Flag: --strict (exit 1 when a target is missed).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuMeter, readCpuSeconds, readLoadGeneratorCpuSeconds, readTreeCpuSeconds, readTreeRss, RssSampler, runLoad, type LoadResult } from './measure.js';
import { findNginx, startNginx, type NginxReference } from './nginx.js';
import { envNumber, fail, httpGet, httpPost, log, sleep, startProxy, startTsChild, stopChildren, upstreamCounts } from './processes.js';
import { formatReport, type BenchResults, type MemoryResult, type Via, type WorkloadResult } from './report.js';
import { rateOf, summarize, type Run } from './stats.js';
import { evaluateTargets } from './targets.js';
import { bodyBytesPerRequest, runOrder, selectWorkloads, type Workload } from './workloads.js';
import { runWrk, wrkAvailable, writePostScript } from './wrk.js';
import { AUTOCANNON_WARNING } from './load-generator.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const AUTOCANNON_NOTE = AUTOCANNON_WARNING;

async function main(): Promise<void> {
  const SECONDS = envNumber('BENCH_SECONDS', 5);
  const WARMUP_SECONDS = envNumber('BENCH_WARMUP_SECONDS', 2);
  const RUNS = Math.max(1, Math.round(envNumber('BENCH_RUNS', 3)));
  const ONLY = process.env.BENCH_ONLY || undefined;
  const STRICT = process.argv.includes('--strict');
  if (SECONDS < 1) throw new Error('BENCH_SECONDS must be at least 1');
  const selected = selectWorkloads(ONLY);

  const wrk = wrkAvailable();
  if (!wrk) log(`! ${AUTOCANNON_NOTE}`);
  const nginxBin = findNginx();
  if (!nginxBin) log('nginx is not installed: no reference proxy in this run (Debian: apt-get install -y nginx-light)');
  const scratch = mkdtempSync(join(tmpdir(), 'harp-bench-'));
  const postBodies = new Map<number, { script: string; body: Buffer }>();
  const postBody = (bytes: number): { script: string; body: Buffer } => {
    if (!postBodies.has(bytes)) {
      postBodies.set(bytes, { script: writePostScript(scratch, bytes), body: Buffer.alloc(bytes, 'x') });
    }
    return postBodies.get(bytes)!;
  };

  const key = randomBytes(18).toString('base64url');
  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const upstreamUrl = String(upstream.info.url);
  const proxy = await startProxy(key);
  const agent = await startTsChild('agent', './children/agent.ts', {
    HARP_BENCH_SERVER: proxy.url.replace(/^http/, 'ws'),
    HARP_BENCH_KEY: key,
    HARP_BENCH_UPSTREAM: upstreamUrl,
  });
  const nginx: NginxReference | undefined = nginxBin && (await startNginx(nginxBin, upstreamUrl));
  log(`upstream ${upstreamUrl} (pid ${upstream.child.pid}), proxy ${proxy.url} (pid ${proxy.child.pid}), agent pid ${agent.child.pid}` +
    (nginx ? `, nginx ${nginx.version} ${nginx.url} (pid ${nginx.child.pid})` : ''));

  await waitForRouting(proxy.url);
  // Idle RSS before the checks below: they send every body through the proxy once, 8 MiB ones
  // included, which would count as load.
  const pids = { upstream: upstream.child.pid!, proxy: proxy.child.pid!, agent: agent.child.pid!, nginx: nginx?.child.pid };
  const proxyRss = new RssSampler(pids.proxy);
  const agentRss = new RssSampler(pids.agent);
  const nginxRss = pids.nginx ? new RssSampler(() => readTreeRss(pids.nginx!)) : undefined;
  await sleep(500);
  const memory: MemoryResult = {
    idleRssBytes: await proxyRss.settled(),
    peakRssBytes: 0,
    agentIdleRssBytes: agentRss.sample(),
    agentPeakRssBytes: 0,
    ...(nginxRss ? { nginxIdleRssBytes: nginxRss.sample() } : {}),
  };

  const bases: Partial<Record<Via, string>> = { direct: upstreamUrl, harp: proxy.url, ...(nginx ? { nginx: nginx.url } : {}) };
  const vias = (['direct', 'nginx', 'harp'] as const).filter((v) => bases[v]);
  await checkBodies(selected, bases, postBody);
  await checkCacheHits(selected, bases);

  const cpu = new CpuMeter({
    loadgen: readLoadGeneratorCpuSeconds,
    upstream: () => readCpuSeconds(pids.upstream),
    proxy: () => readCpuSeconds(pids.proxy),
    agent: () => readCpuSeconds(pids.agent),
    ...(pids.nginx ? { nginx: () => readTreeCpuSeconds(pids.nginx!) } : {}),
  });

  const load = (w: Workload, url: string, seconds: number): Promise<LoadResult> => {
    const opts = { url, connections: w.connections, seconds, bodyBytes: w.bodyBytes };
    const post = w.method === 'POST' ? postBody(w.bodyBytes) : undefined;
    return wrk ? runWrk({ ...opts, script: post?.script }) : runLoad({ ...opts, postBody: post?.body });
  };

  const results: WorkloadResult[] = [];
  for (const w of runOrder(selected)) {
    const runs: Record<Via, Run[]> = { direct: [], nginx: [], harp: [] };
    const upstreamRequests = { harp: 0, nginx: 0 };
    let harpPeak = 0;
    for (let round = 0; round < RUNS; round++) {
      // Rotated per round, so that a noisy machine's drift spreads over all targets.
      for (const via of vias.map((_, i) => vias[(i + round) % vias.length]!)) {
        const url = bases[via]! + w.path;
        if (via === 'harp') proxyRss.startWindow();
        const before = w.cached && via !== 'direct' ? await upstreamCounts(upstream.child) : undefined;
        if (round === 0 && WARMUP_SECONDS > 0) await load(w, url, WARMUP_SECONDS);
        cpu.begin();
        const result = await load(w, url, SECONDS);
        const run: Run = { ...result, ...cpu.end() };
        runs[via].push(run);
        if (via === 'harp') harpPeak = Math.max(harpPeak, proxyRss.windowMax());
        if (before && via !== 'direct') {
          upstreamRequests[via] += ((await upstreamCounts(upstream.child))[w.path] ?? 0) - (before[w.path] ?? 0);
        }
        log(`${w.name} ${via.padEnd(6)} run ${round + 1}/${RUNS}: ${rateOf(w.unit, run).toFixed(w.unit === 'req/s' ? 0 : 1)} ${w.unit}, p50 ${run.latencyP50Ms.toFixed(2)} ms`);
        for (const p of run.problems) log(`  ! ${p}`);
        await sleep(500); // let connections close before the next run
      }
    }
    const perRequest = bodyBytesPerRequest(w);
    const result: WorkloadResult = {
      workload: w,
      direct: summarize(runs.direct, perRequest),
      harp: summarize(runs.harp, perRequest),
      ...(nginx ? { nginx: summarize(runs.nginx, perRequest) } : {}),
    };
    if (w.cached) {
      result.upstreamRequests = { harp: upstreamRequests.harp, ...(nginx ? { nginx: upstreamRequests.nginx } : {}) };
      if (upstreamRequests.harp > 0) result.harp.problems.push(`the upstream received ${upstreamRequests.harp} request(s) for ${w.path} during the runs through HARP (cache hits need none)`);
      if (result.nginx && upstreamRequests.nginx > 0) result.nginx.problems.push(`the upstream received ${upstreamRequests.nginx} request(s) for ${w.path} during the runs through nginx`);
    }
    if (w.name === '8m') {
      memory.peakDuring8mBytes = harpPeak;
      memory.growthPerTransferBytes = Math.max(0, harpPeak - memory.idleRssBytes) / w.connections;
    }
    if (w.name === '1k-c256') memory.peakDuring256Bytes = harpPeak;
    results.push(result);
  }
  results.sort((a, b) => selected.indexOf(a.workload) - selected.indexOf(b.workload));
  memory.peakRssBytes = proxyRss.peak;
  memory.agentPeakRssBytes = agentRss.peak;
  if (nginxRss) memory.nginxPeakRssBytes = nginxRss.peak;
  for (const sampler of [proxyRss, agentRss, nginxRss]) sampler?.stop();

  const nginxErrors = nginx?.errorLog().trim();
  await stopChildren();
  nginx?.cleanUp();
  rmSync(scratch, { recursive: true, force: true });

  const bench: BenchResults = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    runs: RUNS,
    only: ONLY,
    loadGenerator: wrk ? { tool: 'wrk' } : { tool: 'autocannon', note: AUTOCANNON_NOTE },
    nginx: nginx ? { version: nginx.version, workers: nginx.workers, config: nginx.config } : null,
    workloads: results,
    memory,
    targets: evaluateTargets(results, memory),
  };
  console.log(formatReport(bench));
  if (nginxErrors) console.log(`nginx's error log:\n${nginxErrors.split('\n').slice(-10).join('\n')}\n`);
  await mkdir(here('./results/'), { recursive: true });
  await writeFile(here('./results/latest.json'), `${JSON.stringify(bench, null, 2)}\n`);
  log('results written to bench/results/latest.json');

  const missed = bench.targets.filter((t) => t.pass === false);
  if (STRICT && missed.length) {
    console.error(`--strict: ${missed.length} target(s) missed`);
    process.exitCode = 1;
  }
}

/** The proxy routes once a GET through it answers 200. */
async function waitForRouting(proxyUrl: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await httpGet(`${proxyUrl}/1k`).catch(() => undefined);
    if (r?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the proxy does not route to the agent (last status ${r?.status})`);
    await sleep(100);
  }
}

/** Every target returns the same bytes, in full, for every selected workload (the POST: its own body). */
async function checkBodies(selected: Workload[], bases: Partial<Record<Via, string>>, postBody: (bytes: number) => { body: Buffer }): Promise<void> {
  for (const w of selected) {
    const expected = w.method === 'POST' ? postBody(w.bodyBytes).body : (await httpGet(bases.direct! + w.path)).body;
    for (const [via, base] of Object.entries(bases)) {
      const r = w.method === 'POST' ? await httpPost(base + w.path, expected) : await httpGet(base + w.path);
      if (r.status !== 200 || r.body.length !== w.bodyBytes || !r.body.equals(expected)) {
        throw new Error(`${w.method} ${w.path} via ${via}: status ${r.status}, ${r.body.length} bytes; expected 200 and the same ${w.bodyBytes} bytes as direct`);
      }
    }
  }
  log('routing works; every target returns identical bodies');
}

/**
 * The check above stored the cacheable objects in HARP's cache and nginx's (one request each);
 * the next request must be a hit, or the cache-hit workloads would measure something else.
 */
async function checkCacheHits(selected: Workload[], bases: Partial<Record<Via, string>>): Promise<void> {
  const cached = selected.filter((w) => w.cached);
  for (const w of cached) {
    await sleep(100); // the store completes just after the response ends
    const harp = await httpGet(bases.harp! + w.path);
    const status = String(harp.headers['cache-status'] ?? '');
    if (harp.status !== 200 || !/^HARP; hit(;|$)/.test(status)) {
      throw new Error(`${w.path}: the second request through HARP was not a cache hit (status ${harp.status}, Cache-Status: ${status || 'none'}); BENCH_ONLY without the hit workloads skips them`);
    }
    if (bases.nginx) {
      const nginx = await httpGet(bases.nginx + w.path);
      if (nginx.headers['x-cache-status'] !== 'HIT') throw new Error(`${w.path}: the second request through nginx was not a cache hit (X-Cache-Status: ${nginx.headers['x-cache-status']})`);
    }
  }
  if (cached.length) log('cacheable objects are stored: a second request is a hit through HARP' + (bases.nginx ? ' and through nginx' : ''));
}

main().catch((err) => fail(err));

// `npm run bench`: a local upstream measured directly and through proxy + agent, in one run.
//
//   upstream   children/upstream.ts   plain node:http, /1k, /8m (and cacheable /c1k, /c64k) from buffers
//   proxy      node dist/main.js      the built proxy (Nest needs decorator metadata: no tsx)
//   agent      children/agent.ts      connect() from src/agent, routes `*` + `/` to the upstream
//   load       this process           autocannon
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_ONLY=1k|8m|hit, BENCH_PROFILE=<dir>.
// Flag: --strict.
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CpuMeter, RssSampler, runLoad } from './measure.js';
import { evaluateTargets, formatReport, ratios } from './report.js';
import type { BenchResults, MemoryResult, Run, ScenarioResult } from './report.js';

const root = fileURLToPath(new URL('..', import.meta.url));
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

// ---- child processes ----

const children = new Map<string, ChildProcess>();
let stopping = false;
let proxyOutput = '';

function track(name: string, child: ChildProcess): ChildProcess {
  children.set(name, child);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) fail(new Error(`${name} exited unexpectedly (code ${code}, signal ${signal})`));
  });
  return child;
}

/** A TypeScript child under tsx that reports `{ type: 'ready', ... }` over IPC. */
async function startTsChild(name: string, file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: Record<string, unknown> }> {
  const child = track(name, fork(here(file), [], { execArgv: ['--import', 'tsx', ...profileFlags()], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const info = await withTimeout(
    new Promise<Record<string, unknown>>((resolve) => {
      child.on('message', (m: Record<string, unknown>) => {
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'disconnected' && !stopping) fail(new Error(`agent lost its connection: ${JSON.stringify(m)}`));
      });
    }),
    20_000,
    `${name} did not become ready`,
  );
  return { child, info };
}

/** BENCH_PROFILE=<dir>: the proxy and agent write V8 CPU profiles there (open in Chrome DevTools). */
function profileFlags(): string[] {
  const dir = process.env.BENCH_PROFILE;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

async function startProxy(key: string): Promise<{ child: ChildProcess; url: string }> {
  if (!existsSync(`${root}dist/main.js`)) throw new Error('dist/main.js is missing: run `npx nest build` (npm run bench does)');
  const child = track(
    'proxy',
    spawn(process.execPath, [...profileFlags(), 'dist/main.js'], {
      cwd: root,
      env: { ...process.env, HARP_PORT: '0', HARP_HOST: '127.0.0.1', HARP_KEY: key, HARP_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const port = await withTimeout(
    new Promise<number>((resolve) => {
      const onData = (chunk: Buffer): void => {
        proxyOutput = (proxyOutput + chunk.toString()).slice(-8000);
        const m = /listening on http:\/\/[^\s:]+:(\d+)/.exec(proxyOutput);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    }),
    30_000,
    'the proxy did not print its listening banner',
  );
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopChildren(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

function fail(err: unknown, showProxyOutput = true): never {
  stopping = true;
  console.error(`\nbench failed: ${err instanceof Error ? err.message : String(err)}`);
  if (showProxyOutput && proxyOutput.trim()) console.error(`--- proxy output (last lines) ---\n${proxyOutput.trim().split('\n').slice(-20).join('\n')}`);
  for (const child of children.values()) child.kill('SIGKILL');
  process.exit(1);
}

process.on('SIGINT', () => fail(new Error('interrupted'), false));
process.on('SIGTERM', () => fail(new Error('terminated'), false));
process.on('uncaughtException', (err) => fail(err));
process.on('unhandledRejection', (err) => fail(err));
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});

// ---- helpers ----

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}

/** One GET on a fresh connection, whole body read. */
function httpGet(url: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Requests the upstream child has received so far, per path. */
function upstreamCounts(child: ChildProcess): Promise<Record<string, number>> {
  return withTimeout(
    new Promise((resolve) => {
      const onMessage = (m: { type?: string; counts?: Record<string, number> }): void => {
        if (m.type !== 'counts') return;
        child.off('message', onMessage);
        resolve(m.counts ?? {});
      };
      child.on('message', onMessage);
      child.send({ type: 'counts' });
    }),
    5_000,
    'the upstream did not report its request counts',
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const log = (line: string): void => console.log(`[bench] ${line}`);

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

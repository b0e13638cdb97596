// `npm run bench:floor`: what the proxy + agent architecture costs at the least, against HARP, in
// one run. The floor tunnel (bench/children/floor-*.ts) is the same two hops HARP makes, a
// node:http server in front, one `ws` WebSocket between the processes, undici behind, with
// nothing else: no routing, rules, limits, flow control, validation, reports or metrics. So its
// CPU per request and per MiB, process by process, is what HARP's could fall to on this runtime
// with these libraries, and the difference is what HARP's own work costs. wrk drives the load.
//
// Env: BENCH_SECONDS (5), BENCH_RUNS (3), BENCH_WARMUP_SECONDS (2), BENCH_ONLY (workload names
// of bench/workloads.ts; default 1k,64k,8m,post1m).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CpuMeter, readCpuSeconds } from './measure.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren } from './processes.js';
import { cpuFigures, median } from './stats.js';
import { bodyBytesPerRequest, selectWorkloads } from './workloads.js';
import type { Workload } from './workloads.js';
import { runWrk, wrkAvailable, writePostScript } from './wrk.js';

const TARGETS = ['direct', 'floor', 'HARP'] as const;
type Target = (typeof TARGETS)[number];

interface Row {
  rate: number[];
  proxy: number[];
  agent: number[];
  errors: number;
}

async function main(): Promise<void> {
  if (!wrkAvailable()) fail(new Error('wrk is not installed: apt-get install -y wrk'), false);
  const seconds = envNumber('BENCH_SECONDS', 5);
  const runs = envNumber('BENCH_RUNS', 3);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const workloads = selectWorkloads(process.env.BENCH_ONLY ?? '1k,64k,8m,post1m').filter((w) => !w.cached);
  const scripts = mkdtempSync(join(tmpdir(), 'harp-floor-'));

  const key = randomBytes(18).toString('base64url');
  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const upstreamUrl = String(upstream.info.url);
  const floorProxy = await startTsChild('floor proxy', './children/floor-proxy.ts');
  const floorUrl = String(floorProxy.info.url);
  const floorAgent = await startTsChild('floor agent', './children/floor-agent.ts', { HARP_BENCH_FLOOR: floorUrl, HARP_BENCH_UPSTREAM: upstreamUrl });
  const harp = await startProxy(key);
  const harpAgent = await startTsChild('agent', './children/agent.ts', { HARP_BENCH_SERVER: harp.url.replace(/^http/, 'ws'), HARP_BENCH_KEY: key, HARP_BENCH_UPSTREAM: upstreamUrl });
  while ((await httpGet(harp.url + '/1k').catch(() => undefined))?.status !== 200) await sleep(100);
  for (const w of workloads) if (w.method === 'GET') await sameBody(w, upstreamUrl, floorUrl, harp.url);

  const urls: Record<Target, string> = { direct: upstreamUrl, floor: floorUrl, HARP: harp.url };
  const pids: Record<Target, { proxy: number; agent: number }> = {
    direct: { proxy: upstream.child.pid!, agent: upstream.child.pid! },
    floor: { proxy: floorProxy.child.pid!, agent: floorAgent.child.pid! },
    HARP: { proxy: harp.child.pid!, agent: harpAgent.child.pid! },
  };
  const lines: string[] = [];
  for (const w of workloads) {
    const script = w.method === 'POST' ? writePostScript(scripts, w.bodyBytes) : undefined;
    const rows = Object.fromEntries(TARGETS.map((t) => [t, { rate: [], proxy: [], agent: [], errors: 0 } as Row])) as Record<Target, Row>;
    for (const t of TARGETS) await runWrk({ url: urls[t] + w.path, connections: w.connections, seconds: warmup, bodyBytes: w.bodyBytes, script });
    for (let round = 0; round < runs; round++) {
      // The order rotates per round, so that a drift of the machine's load spreads over all three.
      for (const t of [...TARGETS.slice(round % 3), ...TARGETS.slice(0, round % 3)]) {
        const meter = new CpuMeter({ proxy: () => readCpuSeconds(pids[t].proxy), agent: () => readCpuSeconds(pids[t].agent) });
        meter.begin();
        const result = await runWrk({ url: urls[t] + w.path, connections: w.connections, seconds, bodyBytes: w.bodyBytes, script });
        const { cpuSeconds } = meter.end();
        const run = { wallSeconds: result.seconds, requests: result.requests };
        const per = (cpu: number): number => (w.unit === 'MB/s' ? cpuFigures(cpu, run, bodyBytesPerRequest(w)).msPerMiB : cpuFigures(cpu, run, 0).usPerRequest);
        const row = rows[t];
        row.rate.push(w.unit === 'MB/s' ? result.bytesPerSec / 1e6 : result.requestsPerSec);
        row.proxy.push(per(cpuSeconds.proxy!));
        row.agent.push(per(cpuSeconds.agent!));
        row.errors += result.errors + result.non2xx;
        log(`${w.name} ${t.padEnd(6)} ${row.rate.at(-1)!.toFixed(0)} ${w.unit}, proxy ${row.proxy.at(-1)!.toFixed(2)}, agent ${row.agent.at(-1)!.toFixed(2)}`);
        await sleep(300);
      }
    }
    lines.push(...report(w, rows, seconds, runs));
  }
  await stopChildren();
  rmSync(scripts, { recursive: true, force: true });
  console.log(`\n${lines.join('\n')}`);
}

/** A GET through the floor and through HARP returns the upstream's bytes. */
async function sameBody(w: Workload, ...bases: string[]): Promise<void> {
  const bodies = await Promise.all(bases.map(async (base) => (await httpGet(base + w.path)).body));
  for (const body of bodies.slice(1)) if (!body.equals(bodies[0]!)) fail(new Error(`${w.path}: the floor or HARP returned other bytes than the upstream`));
}

function report(w: Workload, rows: Record<Target, Row>, seconds: number, runs: number): string[] {
  const unit = w.unit === 'MB/s' ? 'ms/MiB' : 'µs/req';
  const digits = w.unit === 'MB/s' ? 2 : 0;
  const direct = median(rows.direct.rate);
  const line = (t: Target): string => {
    const r = rows[t];
    const cpu = t === 'direct' ? `upstream ${median(r.proxy).toFixed(digits)}` : `proxy ${median(r.proxy).toFixed(digits)}, agent ${median(r.agent).toFixed(digits)}`;
    return `  ${t.padEnd(6)} ${median(r.rate).toFixed(0).padStart(7)} ${w.unit}  ${(median(r.rate) / direct).toFixed(2)}× direct  CPU ${unit}: ${cpu}${r.errors ? `  (${r.errors} errors)` : ''}`;
  };
  return [`${w.title}, ${w.connections} connections, medians of ${runs} × ${seconds} s (wrk)`, ...TARGETS.map(line)];
}

main().catch((err) => fail(err));

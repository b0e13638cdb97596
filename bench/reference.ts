// `npm run bench:reference`: where HARP stands against the simplest possible Node reverse proxy,
// in one run. Direct, then a one-process node:http + undici relay (bench/children/reference-
// proxy.ts), then HARP (proxy + agent), each for the 1 KiB GET at 32 connections. The reference
// has one hop and no rules; HARP has two processes and a tunnel between them, so the
// reference's ratio to direct is a ceiling for what HARP can reach on the same machine.
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2).
import { randomBytes } from 'node:crypto';
import { runLoad } from './measure.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren } from './processes.js';

const PATH = '/1k';
const LOAD = { connections: 32, bodyBytes: 1024 };

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const key = randomBytes(18).toString('base64url');
  const upstream = String((await startTsChild('upstream', './children/upstream.ts')).info.url);
  const reference = String((await startTsChild('reference', './children/reference-proxy.ts', { HARP_BENCH_UPSTREAM: upstream })).info.url);
  const harp = await startProxy(key);
  await startTsChild('agent', './children/agent.ts', {
    HARP_BENCH_SERVER: harp.url.replace(/^http/, 'ws'),
    HARP_BENCH_KEY: key,
    HARP_BENCH_UPSTREAM: upstream,
  });
  while ((await httpGet(harp.url + PATH).catch(() => undefined))?.status !== 200) await sleep(100);

  const rates: Record<string, number> = {};
  for (const [name, base] of [['direct', upstream], ['reference', reference], ['HARP', harp.url]] as const) {
    if (warmup > 0) await runLoad({ url: base + PATH, seconds: warmup, ...LOAD });
    const result = await runLoad({ url: base + PATH, seconds, ...LOAD });
    for (const p of result.problems) log(`  ! ${name}: ${p}`);
    rates[name] = result.requestsPerSec;
    log(`${name.padEnd(9)} ${Math.round(result.requestsPerSec)} req/s, p50 ${result.latencyP50Ms.toFixed(2)} ms`);
    await sleep(500);
  }
  await stopChildren();
  const ratio = (name: string): string => (rates[name]! / rates.direct!).toFixed(2);
  console.log(`\n1 KiB GET at 32 connections, ${seconds} s each`);
  console.log(`  one-process node:http + undici relay   ${ratio('reference')}× direct`);
  console.log(`  HARP (proxy + agent, tunnel between)   ${ratio('HARP')}× direct`);
}

main().catch((err) => fail(err));

// `npm run bench:reference`: where HARP stands against the simplest possible Node reverse proxy,
// in one run. Direct, then a one-process node:http + undici relay (bench/children/reference-
// proxy.ts), then HARP (proxy + agent), for the 1 KiB GET at 32 connections and the 8 MiB GET
// at 8, as in the main bench. The reference
// has one hop and no rules; HARP has two processes and a tunnel between them, so the
// reference's ratio to direct is a ceiling for what HARP can reach on the same machine.
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2).
import { randomBytes } from 'node:crypto';
import { chooseLoadGenerator } from './load-generator.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren } from './processes.js';

const SCENARIOS = [
  { title: '1 KiB GET at 32 connections', path: '/1k', connections: 32, bodyBytes: 1024, unit: 'req/s' },
  { title: '8 MiB GET at 8 connections', path: '/8m', connections: 8, bodyBytes: 8 * 1024 * 1024, unit: 'MB/s' },
] as const;

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const generator = chooseLoadGenerator();
  if (generator.warning) log(`! ${generator.warning}`);
  const key = randomBytes(18).toString('base64url');
  const upstream = String((await startTsChild('upstream', './children/upstream.ts')).info.url);
  const reference = String((await startTsChild('reference', './children/reference-proxy.ts', { HARP_BENCH_UPSTREAM: upstream })).info.url);
  const harp = await startProxy(key);
  await startTsChild('agent', './children/agent.ts', {
    HARP_BENCH_SERVER: harp.url.replace(/^http/, 'ws'),
    HARP_BENCH_KEY: key,
    HARP_BENCH_UPSTREAM: upstream,
  });
  while ((await httpGet(harp.url + '/1k').catch(() => undefined))?.status !== 200) await sleep(100);

  const lines: string[] = [];
  for (const s of SCENARIOS) {
    const rates: Record<string, number> = {};
    for (const [name, base] of [['direct', upstream], ['reference', reference], ['HARP', harp.url]] as const) {
      const load = { url: base + s.path, connections: s.connections, bodyBytes: s.bodyBytes };
      if (warmup > 0) await generator.run({ ...load, seconds: warmup });
      const result = await generator.run({ ...load, seconds });
      for (const p of result.problems) log(`  ! ${name}: ${p}`);
      rates[name] = s.unit === 'req/s' ? result.requestsPerSec : result.bytesPerSec / 1e6;
      log(`${s.path} ${name.padEnd(9)} ${rates[name]!.toFixed(0)} ${s.unit}`);
      await sleep(500);
    }
    const ratio = (name: string): string => (rates[name]! / rates.direct!).toFixed(2);
    lines.push(`${s.title}, ${seconds} s each, ${generator.name}`);
    lines.push(`  one-process node:http + undici relay   ${ratio('reference')}× direct`);
    lines.push(`  HARP (proxy + agent, tunnel between)   ${ratio('HARP')}× direct`);
  }
  await stopChildren();
  console.log(`\n${lines.join('\n')}`);
}

main().catch((err) => fail(err));

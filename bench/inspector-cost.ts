// `npm run bench:inspector`: what the request inspector and an open dashboard cost the proxy,
// measured in one run. Three proxies (each with its own agent) serve the same upstream:
//
//   off        HARP_INSPECTOR_ENABLED=false
//   on         the defaults (metadata and headers of the last 500 exchanges)
//   bodies     HARP_INSPECTOR_BODIES=1 (and the first 16 KiB of each body)
//   events     the `on` proxy with one client reading /_harp/api/events (the dashboard open)
//
// Each round runs every variant once, in a rotated order so that drift on a noisy machine spreads
// over all of them; the report gives medians over rounds and each variant's ratio to `off`.
//
// Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_ROUNDS (3).
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './measure.js';
import { chooseLoadGenerator } from './load-generator.js';
import { envNumber, fail, httpGet, log, sleep, startProxy, startTsChild, stopChildren } from './processes.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

const PATH = '/1k';
const CONNECTIONS = 32;
const BODY_BYTES = 1024;

interface Variant {
  readonly name: string;
  readonly proxy: 'off' | 'on' | 'bodies';
  readonly events?: boolean;
}

const PROXIES = {
  off: { HARP_INSPECTOR_ENABLED: 'false' },
  on: {},
  bodies: { HARP_INSPECTOR_BODIES: '1' },
} as const;

const VARIANTS: readonly Variant[] = [
  { name: 'off', proxy: 'off' },
  { name: 'on', proxy: 'on' },
  { name: 'bodies', proxy: 'bodies' },
  { name: 'events', proxy: 'on', events: true },
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Opens /_harp/api/events and reads it until closed; counts the exchange events seen. */
function readEvents(baseUrl: string): { close(): number } {
  let exchanges = 0;
  const req = request(`${baseUrl}/_harp/api/events`, { agent: false }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (text: string) => (exchanges += text.split('event: exchange\n').length - 1));
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return {
    close: () => {
      req.destroy();
      return exchanges;
    },
  };
}

async function main(): Promise<void> {
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const rounds = Math.max(1, Math.round(envNumber('BENCH_ROUNDS', 3)));
  const generator = chooseLoadGenerator();
  if (generator.warning) log(`! ${generator.warning}`);
  const key = randomBytes(18).toString('base64url');

  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const upstreamUrl = String(upstream.info.url);
  const urls: Record<string, string> = {};
  for (const [name, env] of Object.entries(PROXIES)) {
    const proxy = await startProxy(key, { name: `proxy-${name}`, env });
    await startTsChild(`agent-${name}`, './children/agent.ts', {
      HARP_BENCH_SERVER: proxy.url.replace(/^http/, 'ws'),
      HARP_BENCH_KEY: key,
      HARP_BENCH_UPSTREAM: upstreamUrl,
    });
    urls[name] = proxy.url;
  }
  for (const [name, url] of Object.entries(urls)) {
    const deadline = Date.now() + 15_000;
    while ((await httpGet(url + PATH).catch(() => undefined))?.status !== 200) {
      if (Date.now() > deadline) throw new Error(`proxy ${name} does not route to its agent`);
      await sleep(100);
    }
  }
  log(`three proxies route to their agents; ${rounds} round(s) of ${VARIANTS.length} variants, ${seconds} s each`);

  const runs = new Map<string, LoadResult[]>(VARIANTS.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const variant of order) {
      const url = urls[variant.proxy]! + PATH;
      const events = variant.events ? readEvents(urls[variant.proxy]!) : undefined;
      if (warmup > 0) await generator.run({ url, connections: CONNECTIONS, seconds: warmup, bodyBytes: BODY_BYTES });
      const result = await generator.run({ url, connections: CONNECTIONS, seconds, bodyBytes: BODY_BYTES });
      const seen = events?.close();
      for (const p of result.problems) log(`  ! ${variant.name}: ${p}`);
      log(
        `round ${round + 1} ${variant.name.padEnd(7)} ${Math.round(result.requestsPerSec)} req/s` +
          (seen !== undefined ? ` (${seen} exchange events reached the client)` : ''),
      );
      runs.get(variant.name)!.push(result);
      await sleep(500);
    }
  }
  await stopChildren();

  const off = median(runs.get('off')!.map((r) => r.requestsPerSec));
  const summary = VARIANTS.map((v) => {
    const rs = runs.get(v.name)!;
    const rps = median(rs.map((r) => r.requestsPerSec));
    return {
      variant: v.name,
      requestsPerSecMedian: Math.round(rps),
      ratioToOff: Math.round((rps / off) * 1000) / 1000,
      p50MsMedian: median(rs.map((r) => r.latencyP50Ms)),
      p99MsMedian: median(rs.map((r) => r.latencyP99Ms)),
      requestsPerSecByRound: rs.map((r) => Math.round(r.requestsPerSec)),
    };
  });
  console.log(`\nInspector cost, 1 KiB GET at ${CONNECTIONS} connections, medians of ${rounds} round(s) of ${seconds} s`);
  console.log('variant   req/s    × off    p50 ms   p99 ms   by round');
  for (const s of summary) {
    console.log(
      `${s.variant.padEnd(9)} ${String(s.requestsPerSecMedian).padStart(6)}   ${s.ratioToOff.toFixed(3).padStart(5)}   ` +
        `${s.p50MsMedian.toFixed(2).padStart(6)}   ${s.p99MsMedian.toFixed(2).padStart(6)}   ${s.requestsPerSecByRound.join(' / ')}`,
    );
  }
  await mkdir(here('./results/'), { recursive: true });
  await writeFile(here('./results/inspector.json'), `${JSON.stringify({ date: new Date().toISOString(), seconds, rounds, summary }, null, 2)}\n`);
  log('results written to bench/results/inspector.json');
}

main().catch((err) => fail(err));

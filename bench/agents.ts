// `npm run bench:agents`: many idle agents on one proxy. Starts the built proxy, the bench's
// upstream and one real agent (connect(), host `*`), measures the latency of a request through
// that agent, then opens BENCH_AGENTS (10,000) raw WebSocket agents from BENCH_AGENT_PROCESSES
// (2) load processes, each registering a host of its own, and measures again.
//
// Reports: registration round trip (register → registered) p50/p99, proxy RSS idle before and
// after (and per agent), and the request latency before/after (median of BENCH_REQUESTS).
// Env: BENCH_AGENTS (10000), BENCH_AGENT_PROCESSES (2), BENCH_REQUESTS (500),
// HARP_BENCH_IN_FLIGHT (8 handshakes at once per load process). Flag: --strict.
import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { readRss, RssSampler } from './measure.js';
import { envNumber, fail, log, sleep, startProxy, startTsChild, stopChildren, withTimeout } from './processes.js';
import { median } from './stats.js';
import { summarizeAgents } from './agent-targets.js';

const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const AGENTS = Math.round(envNumber('BENCH_AGENTS', 10_000));
  const PROCESSES = Math.max(1, Math.round(envNumber('BENCH_AGENT_PROCESSES', 2)));
  const REQUESTS = Math.max(10, Math.round(envNumber('BENCH_REQUESTS', 500)));
  const STRICT = process.argv.includes('--strict');

  const key = randomBytes(18).toString('base64url');
  const upstream = await startTsChild('upstream', './children/upstream.ts');
  const proxy = await startProxy(key);
  const wsUrl = proxy.url.replace(/^http/, 'ws');
  await startTsChild('agent', './children/agent.ts', { HARP_BENCH_SERVER: wsUrl, HARP_BENCH_KEY: key, HARP_BENCH_UPSTREAM: String(upstream.info.url) });
  const loaders = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => startTsChild(`raw-agents-${i}`, './children/raw-agents.ts', { HARP_BENCH_SERVER: wsUrl, HARP_BENCH_KEY: key })),
  );
  const rss = new RssSampler(proxy.child.pid!);
  log(`proxy ${proxy.url} (pid ${proxy.child.pid}); ${AGENTS} agents from ${PROCESSES} process(es)`);

  const latencyBefore = await requestLatency(proxy.url, REQUESTS);
  const idleBefore = await rss.settled();

  const share = Math.ceil(AGENTS / PROCESSES);
  const started = performance.now();
  const opened = await Promise.all(loaders.map(({ child }, i) => openAgents(child, i * share, Math.max(0, Math.min(share, AGENTS - i * share)))));
  const seconds = (performance.now() - started) / 1000;
  const registerMs = opened.flatMap((o) => o.registerMs);
  const failures = opened.flatMap((o) => o.failures);
  const peak = rss.peak;
  await sleep(2000); // let the handshakes' garbage go
  const idleAfter = await rss.settled();
  const latencyAfter = await requestLatency(proxy.url, REQUESTS);
  const stillAlive = readRss(proxy.child.pid!) !== undefined;
  rss.stop();
  await stopChildren();

  const s = summarizeAgents({
    expected: AGENTS,
    registerMs,
    failures: stillAlive ? failures : [...failures, 'the proxy exited'],
    idleRssBeforeBytes: idleBefore,
    idleRssAfterBytes: idleAfter,
    latencyBeforeMs: latencyBefore,
    latencyAfterMs: latencyAfter,
  });
  const lines = [
    `agents registered: ${registerMs.length} of ${AGENTS} in ${seconds.toFixed(1)} s (${(registerMs.length / seconds).toFixed(0)}/s)` + (failures.length ? `, ${failures.length} failed, first: ${failures[0]}` : ''),
    `registration round trip: p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms, max ${s.maxMs.toFixed(2)} ms`,
    `proxy RSS: idle ${(idleBefore / MiB).toFixed(1)} MiB before, ${(idleAfter / MiB).toFixed(1)} MiB with the agents (peak ${(peak / MiB).toFixed(1)}), ` +
      `${(s.bytesPerAgent / 1024).toFixed(1)} KiB per agent`,
    `request latency through one agent (median of ${REQUESTS}): ${latencyBefore.toFixed(3)} ms before, ${latencyAfter.toFixed(3)} ms after (${s.extraLatencyMs >= 0 ? '+' : ''}${s.extraLatencyMs.toFixed(3)} ms)`,
  ];
  const targets = s.targets;
  console.log(['', ...lines, '', ...targets.map((t) => `${t.pass ? 'met   ' : 'MISSED'} ${t.name}`), ''].join('\n'));
  if (STRICT && targets.some((t) => !t.pass)) process.exitCode = 1;
}

function openAgents(child: import('node:child_process').ChildProcess, from: number, count: number): Promise<{ registerMs: number[]; failures: string[] }> {
  return withTimeout(
    new Promise((resolve) => {
      const onMessage = (m: { type?: string; registerMs?: number[]; failures?: string[] }): void => {
        if (m.type !== 'opened') return;
        child.off('message', onMessage);
        resolve({ registerMs: m.registerMs ?? [], failures: m.failures ?? [] });
      };
      child.on('message', onMessage);
      child.send({ type: 'open', from, count });
    }),
    300_000,
    'the load processes did not open their agents within 5 minutes',
  );
}

/** Median latency of `count` sequential GETs of /1k on one keep-alive connection, after a warm-up. */
async function requestLatency(proxyUrl: string, count: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      get(`${proxyUrl}/1k`, { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`GET /1k through the proxy: ${res.statusCode}`))));
      }).on('error', reject);
    });
  for (let i = 0; i < Math.min(200, count); i++) await once();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once());
  agent.destroy();
  return median(times);
}

main().catch((err) => fail(err));

// `npm run bench:edge`: a 1 KiB GET through HARP (proxy + agent) over plain HTTP/1.1, HTTPS
// (HTTP/1.1 over TLS) and HTTP/2 (h2 over TLS), as ratios to plain HTTP, in one run.
//
//   upstream   children/upstream.ts   plain node:http, /1k from a buffer
//   proxy      node dist/main.js      the built proxy, plain port and TLS port (a throw-away certificate)
//   agent      children/agent.ts      connect() from src/agent, route `*` + `/`
//   load       h2load (nghttp2)       one load generator for all three, so the ratios compare
//                                     protocols rather than tools (`--h1` for HTTP/1.1)
//
// h2load and openssl are used, never installed: without them the bench says what is missing and
// measures nothing. Env: BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envNumber, fail, freePort, httpGet, log, sleep, startProxy, startTsChild, stopChildren } from './processes.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

interface EdgeRun {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly meanLatencyMs: number;
  readonly succeeded: number;
  readonly failed: number;
  /** requests/s ÷ plain HTTP's. */
  ratio?: number;
}

function missingTool(): string | undefined {
  if (spawnSync('h2load', ['--version']).error) return 'h2load (Debian: apt-get install nghttp2-client)';
  if (spawnSync('openssl', ['version']).error) return 'openssl';
  return undefined;
}

/** A self-signed certificate for 127.0.0.1, in a temporary directory. */
function throwAwayCertificate(): { dir: string; cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'harp-bench-edge-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
    '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, cert, key };
}

/** One h2load run, its summary lines parsed. */
function h2load(name: string, url: string, http1: boolean, seconds: number, warmup: number, connections: number): Promise<EdgeRun> {
  const args = ['-D', String(seconds), `--warm-up-time=${warmup}`, '-c', String(connections), '-m', '1', ...(http1 ? ['--h1'] : []), url];
  return new Promise((resolve, reject) => {
    const child = spawn('h2load', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      const rps = /finished in [\d.]+s, ([\d.]+) req\/s/.exec(out);
      const counts = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(out);
      const latency = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(out);
      if (!rps || !counts || !latency) return reject(new Error(`h2load (${name}) gave no summary:\n${out}`));
      const mean = latency[1]!;
      const meanMs = mean.endsWith('us') ? parseFloat(mean) / 1000 : mean.endsWith('ms') ? parseFloat(mean) : parseFloat(mean) * 1000;
      resolve({ name, requestsPerSecond: Number(rps[1]), meanLatencyMs: meanMs, succeeded: Number(counts[1]), failed: Number(counts[2]) });
    });
  });
}

async function main(): Promise<void> {
  const missing = missingTool();
  if (missing) {
    log(`skipped: ${missing} is not installed; nothing was measured`);
    return;
  }
  const seconds = envNumber('BENCH_SECONDS', 10);
  const warmup = envNumber('BENCH_WARMUP_SECONDS', 2);
  const connections = envNumber('BENCH_CONNECTIONS', 32);
  const certificate = throwAwayCertificate();
  try {
    const key = randomBytes(18).toString('base64url');
    const tlsPort = await freePort();
    const upstream = await startTsChild('upstream', './children/upstream.ts');
    const proxy = await startProxy(key, {
      env: { HARP_TLS_CERT: certificate.cert, HARP_TLS_KEY: certificate.key, HARP_TLS_PORT: String(tlsPort) },
    });
    await startTsChild('agent', './children/agent.ts', {
      HARP_BENCH_SERVER: proxy.url.replace(/^http/, 'ws'),
      HARP_BENCH_KEY: key,
      HARP_BENCH_UPSTREAM: String(upstream.info.url),
    });
    const deadline = Date.now() + 15_000;
    while ((await httpGet(`${proxy.url}/1k`).catch(() => undefined))?.status !== 200) {
      if (Date.now() > deadline) throw new Error('the proxy does not route to the agent');
      await sleep(100);
    }
    const tlsUrl = `https://127.0.0.1:${tlsPort}/1k`;
    log(`proxy ${proxy.url} and https://127.0.0.1:${tlsPort}; ${connections} connections, one request at a time each, ${seconds} s after ${warmup} s warm-up`);
    const runs: EdgeRun[] = [];
    runs.push(await h2load('HTTP/1.1', `${proxy.url}/1k`, true, seconds, warmup, connections));
    runs.push(await h2load('HTTPS (HTTP/1.1)', tlsUrl, true, seconds, warmup, connections));
    runs.push(await h2load('HTTP/2 (h2)', tlsUrl, false, seconds, warmup, connections));
    // Plain HTTP once more at the end: the two runs' gap shows how steady the machine was, and
    // their mean is the base of the ratios, so that a warming or a busy first run skews less.
    runs.push(await h2load('HTTP/1.1 (again)', `${proxy.url}/1k`, true, seconds, warmup, connections));
    const plain = (runs[0]!.requestsPerSecond + runs[3]!.requestsPerSecond) / 2;
    for (const run of runs) run.ratio = run.requestsPerSecond / plain;
    const drift = Math.abs(runs[0]!.requestsPerSecond - runs[3]!.requestsPerSecond) / plain;
    if (drift > 0.1) log(`warning: the two plain HTTP runs differ by ${(drift * 100).toFixed(0)} %: the machine is busy, the ratios are unreliable`);
    console.log('\n| 1 KiB GET via HARP | requests/s | ratio to HTTP/1.1 (mean of both runs) | mean latency | failed |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of runs) {
      console.log(`| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.ratio!.toFixed(2)} | ${r.meanLatencyMs.toFixed(2)} ms | ${r.failed} |`);
    }
    await mkdir(here('./results/'), { recursive: true });
    await writeFile(here('./results/edge.json'), `${JSON.stringify({ seconds, warmup, connections, runs }, null, 2)}\n`);
    log('results written to bench/results/edge.json');
  } finally {
    rmSync(certificate.dir, { recursive: true, force: true });
  }
}

main()
  .then(() => stopChildren())
  .catch((err: unknown) => fail(err));

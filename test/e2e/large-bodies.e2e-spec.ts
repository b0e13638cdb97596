import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { HarpServer } from '../../src/server/harp-server.js';
import { failWhenStalled, pseudoRandomStream, StreamDigest } from '../helpers/byte-streams.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { MemoryProbe } from '../helpers/memory-probe.js';
import { note } from '../helpers/report.js';
import { slowDownload } from '../helpers/slow-download.js';
import { proxyOpenStreams } from '../helpers/tunnels.js';

// docs/architecture.md property 1: "A 1 GiB upload or download costs the proxy a bounded amount of
// memory." 200 MiB each way, made and hashed as streams, compared by SHA-256.
//
// How the proxy's memory is measured: the proxy runs in this (Jest) process, and the agent and
// its upstream run in a child process (`node --import tsx`; the agent has no Nest code, so it
// needs no decorator metadata, while the proxy — which does — stays under Jest's swc
// transform). What else remains here is the test's client: a generator and a hash, whose
// footprint is constant (a few 64 KiB chunks). A MemoryProbe samples heap + external memory
// (where Buffers live) every 100 ms and forces a full GC before any sample that looks high, so
// the peak it reports is memory actually held, not uncollected garbage. A proxy that buffered
// the body would hold up to 200 MiB; one that obeys its windows holds a few MiB.

const MIB = 1024 * 1024;
const SIZE = 200 * MIB;
const BOUND = 32 * MIB;
// Alone a transfer takes ~7 s, and up to ~25 s beside two busy cores. A transfer that moves no
// byte for STALL_MS has hung and fails saying where; the test timeout only bounds a slow one.
const STALL_MS = 20_000;
const TRANSFER_TIMEOUT_MS = 150_000;

interface TransferChild {
  child: ChildProcess;
  messages: Array<Record<string, unknown>>;
  next(type: string): Promise<Record<string, unknown>>;
}

async function startTransferAgent(proxy: HarpServer): Promise<TransferChild> {
  const script = fileURLToPath(new URL('../helpers/transfer-agent.ts', import.meta.url));
  const child = fork(script, [proxy.url, TEST_KEY], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  child.on('message', (m) => {
    messages.push(m as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = once(child, 'exit');
  const next = async (type: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const at = messages.findIndex((m) => m.type === type);
      if (at >= 0) return messages.splice(at, 1)[0]!;
      if (child.exitCode !== null) throw new Error(`transfer agent exited (${child.exitCode}) before "${type}"`);
      await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), exited]);
    }
  };
  await next('ready');
  return { child, messages, next };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** POSTs `bytes` pseudo-random bytes; resolves with what was sent and the upstream's answer. */
function upload(url: string, bytes: number): Promise<{ sent: { bytes: number; sha256: string }; status: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const digest = new StreamDigest();
    const body = pseudoRandomStream(bytes, 'upload');
    body.on('data', (chunk: Buffer) => digest.update(chunk));
    const req = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': bytes } },
      (res) => {
        let answer = '';
        res.on('data', (c: Buffer) => (answer += c.toString()));
        res.on('end', () => {
          unwatch();
          resolve({ sent: digest.result(), status: res.statusCode!, answer });
        });
        res.on('error', reject);
      },
    );
    const unwatch = failWhenStalled(() => digest.bytes, STALL_MS, (err) => {
      req.destroy();
      reject(err);
    });
    req.on('error', reject);
    body.pipe(req);
  });
}

/** GETs a body as a slow client, and hashes it as it arrives. */
async function download(url: string): Promise<{ status: number; complete: boolean; bytes: number; sha256: string }> {
  const digest = new StreamDigest();
  const { status, complete } = await slowDownload(url, (chunk) => digest.update(chunk), STALL_MS);
  return { status, complete, ...digest.result() };
}

describe('large bodies stream through with bounded proxy memory', () => {
  const h = new Harness();
  let proxy: HarpServer;
  let agent: TransferChild;

  beforeEach(async () => {
    proxy = await h.proxy();
    agent = await startTransferAgent(proxy);
    h.defer(() => stopChild(agent.child));
    // A small exchange first, so that lazily loaded code and pools are in the baseline.
    await download(`${proxy.url}/download/1024`);
    await agent.next('sent');
  });
  afterEach(() => h.closeAll());

  it('uploads 200 MiB intact', async () => {
    const probe = new MemoryProbe();
    h.defer(() => probe.stop());
    probe.start();
    const started = performance.now();
    const result = await upload(`${proxy.url}/upload`, SIZE);
    const seconds = (performance.now() - started) / 1000;
    const { peakGrowth, collections, collectingMs } = probe.stop();
    note(`forced GCs: ${collections}, ${collectingMs.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / MIB).toFixed(0)} MiB`);

    expect(result.status).toBe(200);
    expect(JSON.parse(result.answer)).toEqual(result.sent);
    expect(result.sent.bytes).toBe(SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    expect(proxyOpenStreams(proxy)).toBe(0);
    report('upload', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);

  it('downloads 200 MiB intact', async () => {
    const probe = new MemoryProbe();
    h.defer(() => probe.stop());
    probe.start();
    const started = performance.now();
    const [result, sent] = await Promise.all([download(`${proxy.url}/download/${SIZE}`), agent.next('sent')]);
    const seconds = (performance.now() - started) / 1000;
    const { peakGrowth, collections, collectingMs } = probe.stop();
    note(`forced GCs: ${collections}, ${collectingMs.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / MIB).toFixed(0)} MiB`);

    expect(sent.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.complete).toBe(true);
    expect({ bytes: result.bytes, sha256: result.sha256 }).toEqual({ bytes: sent.bytes, sha256: sent.sha256 });
    expect(result.bytes).toBe(SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    expect(proxyOpenStreams(proxy)).toBe(0);
    report('download', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);
});

function report(what: string, growth: number, seconds: number): void {
  note(`${what}: 200 MiB in ${seconds.toFixed(1)} s, proxy memory growth ${(growth / MIB).toFixed(1)} MiB`);
}

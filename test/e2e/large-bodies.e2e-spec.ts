import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { MemoryProbe } from '../helpers/memory-probe.js';
import { note } from '../helpers/report.js';
import { download as downloadWithin, startTransferAgent, stopChild, upload as uploadWithin, type TransferChild } from '../helpers/transfers.js';
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
const upload = (url: string, bytes: number) => uploadWithin(url, bytes, STALL_MS);
const download = (url: string) => downloadWithin(url, STALL_MS);

describe('large bodies stream through with bounded proxy memory', () => {
  const h = new Harness();
  let proxy: HarpServer;
  let agent: TransferChild;

  beforeEach(async () => {
    proxy = await h.proxy();
    agent = await startTransferAgent(proxy.url);
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

import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { note } from '../helpers/report.js';
import {
  download as downloadWithin,
  expectDownloadIntact,
  expectUploadIntact,
  startTransferAgent,
  stopChild,
  upload as uploadWithin,
  whileProbing,
  type Probed,
  type TransferChild,
} from '../helpers/transfers.js';
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
    const { result, memory, seconds } = await whileProbing(h, () => upload(`${proxy.url}/upload`, SIZE));
    const { peakGrowth } = memory;
    noteCollections(memory);

    expectUploadIntact(result, SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    expect(proxyOpenStreams(proxy)).toBe(0);
    report('upload', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);

  it('downloads 200 MiB intact', async () => {
    const bothEnds = () => Promise.all([download(`${proxy.url}/download/${SIZE}`), agent.next('sent')]);
    const { result: [result, sent], memory, seconds } = await whileProbing(h, bothEnds);
    const { peakGrowth } = memory;
    noteCollections(memory);

    expectDownloadIntact(result, sent, SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    expect(proxyOpenStreams(proxy)).toBe(0);
    report('download', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);
});

/** The probe's forced collections, to tell a slow run from a run that collected often. */
function noteCollections(memory: Probed<unknown>['memory']): void {
  note(`forced GCs: ${memory.collections}, ${memory.collectingMs.toFixed(0)} ms, heap ${(process.memoryUsage().heapUsed / MIB).toFixed(0)} MiB`);
}

function report(what: string, growth: number, seconds: number): void {
  note(`${what}: 200 MiB in ${seconds.toFixed(1)} s, proxy memory growth ${(growth / MIB).toFixed(1)} MiB`);
}

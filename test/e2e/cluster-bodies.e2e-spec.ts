import type { HarpServer } from '../../src/server/harp-server.js';
import { cacheStatus } from '../helpers/cache.js';
import { clusterEnv, clusterNodes, untilHolders } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { startProxyProcess, type ProxyProcess } from '../helpers/proxy-process.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { note } from '../helpers/report.js';
import {
  download,
  expectDownloadIntact,
  expectUploadIntact,
  startTransferAgent,
  stopChild,
  upload,
  whileProbing,
  type TransferChild,
} from '../helpers/transfers.js';

// docs/cluster.md, "Forwarding" and "Shared and per-node state": bodies cross the hop between
// two nodes as streams, and the cache the nodes share answers on one node what another stored.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const MIB = 1024 * 1024;
const SIZE = 200 * MIB;
const BOUND = 32 * MIB;
// As in large-bodies.e2e-spec.ts: a transfer that moves no byte for STALL_MS has hung.
const STALL_MS = 20_000;
const TRANSFER_TIMEOUT_MS = 150_000;

// How the memory is measured: the node under test is A, the one that takes the public request
// and relays it to B, which holds the agent. A runs in this (Jest) process, where the
// MemoryProbe samples heap + ArrayBuffer memory (see large-bodies.e2e-spec.ts for why that is
// the honest measure); B and the agent each run in a child process of their own, so that
// nothing they hold is counted. What else lives here is the test's client, which streams and
// hashes in 64 KiB chunks. A's part is the relay (a request with its body streamed into the
// hop, the hop's answer streamed back); B's part is the tunnel path that large-bodies already
// bounds in the same way. A relay that buffered a body would hold up to 200 MiB here.
describeRedis('cluster mode: 200 MiB each way through the node without the agent, with bounded memory', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-bodies');
  let a: HarpServer;
  let b: ProxyProcess;
  let agent: TransferChild;

  beforeEach(async () => {
    a = await clusterNodes(h, scratch)('node-a');
    b = await startProxyProcess(clusterEnv(scratch, 'node-b'));
    h.defer(() => void b.child.kill('SIGKILL'));
    agent = await startTransferAgent(b.url);
    h.defer(() => stopChild(agent.child));
    await untilHolders(a.url, '*', '/', ['node-b']);
    // A small exchange first, so that lazily loaded code and the hop's connection are in the baseline.
    const warm = await download(`${a.url}/download/1024`, STALL_MS);
    expect(warm).toMatchObject({ status: 200, bytes: 1024 });
    await agent.next('sent');
  }, 60_000);
  afterEach(() => h.closeAll());

  it('uploads 200 MiB intact', async () => {
    const { result, memory, seconds } = await whileProbing(h, () => upload(`${a.url}/upload`, SIZE, STALL_MS));
    const { peakGrowth } = memory;

    expectUploadIntact(result, SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    report('upload', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);

  it('downloads 200 MiB intact', async () => {
    const bothEnds = () => Promise.all([download(`${a.url}/download/${SIZE}`, STALL_MS), agent.next('sent')]);
    const { result: [result, sent], memory, seconds } = await whileProbing(h, bothEnds);
    const { peakGrowth } = memory;

    expectDownloadIntact(result, sent, SIZE);
    expect(peakGrowth).toBeLessThan(BOUND);
    report('download', peakGrowth, seconds);
  }, TRANSFER_TIMEOUT_MS);
});

describeRedis('cluster mode: the shared cache', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-cache');
  afterEach(() => h.closeAll());
  const node = clusterNodes(h, scratch);

  it('a response stored through node A is a hit on node C, even once the node that served it has no agent', async () => {
    const [a, b, c] = [await node('node-a'), await node('node-b'), await node('node-c')];
    let served = 0;
    const agent = await h.agent(b, (_req, res) => {
      served++;
      res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' });
      res.end('stored once');
    });
    await Promise.all([untilHolders(a.url, '*', '/', ['node-b']), untilHolders(c.url, '*', '/', ['node-b'])]);
    const get = (proxy: HarpServer) => send(`${proxy.url}/doc`, { headers: { host: 'shop.example' } });

    const miss = await get(a);
    expect([miss.status, miss.body.toString(), cacheStatus(miss)]).toEqual([200, 'stored once', 'HARP; fwd=uri-miss; stored; ttl=60']);
    // The entry is in the cluster's Redis (the store's write ends after the response).
    await eventually(async () => (await scratch.raw.keys(`${scratch.prefix}cache:*`)).length > 0, 2000, 'the entry in Redis');

    const hit = await get(c);
    expect([hit.status, hit.body.toString()]).toEqual([200, 'stored once']);
    expect(cacheStatus(hit)).toMatch(/^HARP; hit; ttl=(59|60)$/);
    expect(hit.headers.age).toMatch(/^[01]$/);
    expect(served).toBe(1);

    // With the agent gone, C has no node to send the request to and answers from the shared
    // store itself: the entry B stored is C's to serve.
    await agent.close(100);
    await untilHolders(c.url, '*', '/', []);
    const offline = await get(c);
    expect([offline.status, offline.body.toString()]).toEqual([200, 'stored once']);
    expect(cacheStatus(offline)).toMatch(/^HARP; hit/);
    expect(served).toBe(1);
  });
});

function report(what: string, growth: number, seconds: number): void {
  note(`cluster ${what}: 200 MiB in ${seconds.toFixed(1)} s through node A, A's memory growth ${(growth / MIB).toFixed(1)} MiB`);
}

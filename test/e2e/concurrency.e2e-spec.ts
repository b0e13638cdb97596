import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';
import type { Outcome } from '../helpers/outcome-client.js';
import { note } from '../helpers/report.js';
import { agentInternals, proxyOpenStreams, proxySessions } from '../helpers/tunnels.js';

// docs/architecture.md property 2: many requests share one agent connection at once, each as its own
// stream. A lost stream, a body delivered to the wrong client or a frame of one stream spliced
// into another shows up here as a wrong id or a wrong hash.

const COUNT = 500;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Sizes that cross the interesting edges: empty, one frame (64 KiB), one window (256 KiB). */
function sizeFor(i: number): number {
  if (i % 100 === 7) return 300 * 1024; // more than one window: needs WINDOW_UPDATEs mid-stream
  if (i % 50 === 3) return 64 * 1024 + 1; // just over one frame
  if (i % 10 === 0) return 0;
  return (i * 7919) % 20_000;
}

/** Writes 64 KiB chunks as fast as they are taken, until the response closes. */
function writeForever(res: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 1);
  const pump = (): void => {
    while (!res.destroyed) if (!res.write(chunk)) return void res.once('drain', pump);
  };
  pump();
}

describe('concurrency over one agent connection', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it(`carries ${COUNT} simultaneous requests, each to its own client, none lost`, async () => {
    const proxy = await h.proxy();
    // The upstream holds every answer until all requests are in: they are provably in flight
    // together on the one tunnel, not served one after another.
    const held: Array<() => void> = [];
    let peakProxyStreams = 0;
    const release = (): void => {
      peakProxyStreams = proxyOpenStreams(proxy);
      for (const answer of held.splice(0)) answer();
    };
    const upstream = await h.upstream((req: IncomingMessage, res: ServerResponse) => {
      const hash = createHash('sha256');
      let received = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        received += c.length;
      });
      req.on('end', () => {
        const id = /^\/item\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 'none';
        const uploadSha = hash.digest('hex');
        held.push(() => {
          const body = Buffer.concat([Buffer.from(`${id}:${received}:${uploadSha}\n`), randomBytes(sizeFor(Number(id)))]);
          res.writeHead(200, { 'X-Item': id, 'X-Body-Sha256': sha256(body), 'Content-Length': body.length });
          res.end(body);
        });
        if (held.length === COUNT) release();
      });
    });
    const agent = await h.agent(proxy, upstream.url);

    const started = performance.now();
    const uploads = Array.from({ length: COUNT }, (_, i) => randomBytes(sizeFor(COUNT - i)));
    const results: Outcome[] = await Promise.all(
      uploads.map((body, i) => outcome(`${proxy.url}/item/${i}`, { method: 'POST', body, timeoutMs: 20_000 })),
    );
    const elapsedMs = performance.now() - started;

    const problems: string[] = [];
    results.forEach((result, i) => {
      const [line] = result.body.toString('latin1').split('\n', 1);
      const expected = `${i}:${uploads[i]!.length}:${sha256(uploads[i]!)}`;
      if (result.status !== 200 || !result.complete) problems.push(`#${i}: ${result.status} ${result.error?.message}`);
      else if (result.headers['x-item'] !== String(i) || line !== expected) problems.push(`#${i}: got "${line}"`);
      else if (result.headers['x-body-sha256'] !== sha256(result.body)) problems.push(`#${i}: body hash mismatch`);
    });
    expect(problems).toEqual([]);
    expect(peakProxyStreams).toBe(COUNT);
    expect(proxySessions(proxy)).toBe(1);
    expect(elapsedMs).toBeLessThan(15_000);
    note(`${COUNT} concurrent requests in ${Math.round(elapsedMs)} ms`);
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to close every stream');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to close every stream');
  });

  it('clients that stop reading hold up nobody else on the connection', async () => {
    const proxy = await h.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/big') return writeForever(res); // more than any socket buffer holds
      res.end(`small ${req.url}`);
    });
    const agent = await h.agent(proxy, upstream.url);

    // Twenty downloads whose clients read nothing: each fills its stream's window and stops.
    const stalled: Array<{ destroy(): void }> = [];
    let heads = 0;
    for (let i = 0; i < 20; i++) {
      const req = httpRequest(`${proxy.url}/big`, { agent: false }, (res) => {
        heads++;
        res.pause();
      });
      req.on('error', () => undefined);
      req.end();
      stalled.push(req);
    }
    h.defer(() => stalled.forEach((req) => req.destroy()));
    await eventually(() => heads === 20, 5000, 'the stalled downloads to start');

    // Every stalled download has spent its window: the agent sends it nothing more until its
    // client reads. (Flow control, not the wall clock, is what must keep the others moving: a
    // time bound here failed on a loaded machine while every request was answered.)
    const spentWindows = (): number =>
      [...agentInternals(agent).tunnel.streams.values()].filter((stream) => (stream as unknown as { sendWindow: number }).sendWindow <= 0).length;
    await eventually(() => spentWindows() === 20, 5000, 'the stalled downloads to spend their windows');

    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => outcome(`${proxy.url}/small/${i}`, { timeoutMs: 5000 })),
    );
    // Each small request was answered within its own 5 s timeout, whole, while the twenty
    // stayed blocked on the same connection.
    expect(results.map((r) => r.body.toString())).toEqual(results.map((_, i) => `small /small/${i}`));
    expect(spentWindows()).toBe(20);
    expect(proxyOpenStreams(proxy)).toBe(20);
    note(`50 small requests beside 20 stalled downloads in ${Math.round(performance.now() - started)} ms`);

    stalled.forEach((req) => req.destroy());
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the proxy to close the stalled streams');
    await eventually(() => agentInternals(agent).tunnel.streams.size === 0, 2000, 'the agent to close them');
  });

  it('answers 503 no_backend past maxStreamsPerAgent instead of queueing', async () => {
    const proxy = await h.proxy({ maxStreamsPerAgent: 3 });
    const held: ServerResponse[] = [];
    const upstream = await h.upstream((req, res) => {
      if (req.url?.startsWith('/hold/')) held.push(res);
      else res.end('free');
    });
    await h.agent(proxy, upstream.url);

    const first = Array.from({ length: 3 }, (_, i) => outcome(`${proxy.url}/hold/${i}`, { timeoutMs: 5000 }));
    await eventually(() => held.length === 3, 2000, 'three requests at the upstream');
    const over = await outcome(`${proxy.url}/one-too-many`, { timeoutMs: 2000 });
    expect([over.status, over.headers['x-harp-error']]).toEqual([503, 'no_backend']);

    for (const res of held) res.end('done');
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200, 200]);
    // The streams closed with their responses: the agent takes requests again.
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'the streams to close');
    const after = await outcome(`${proxy.url}/again`, { timeoutMs: 2000 });
    expect([after.status, after.body.toString()]).toEqual([200, 'free']);
  });
});

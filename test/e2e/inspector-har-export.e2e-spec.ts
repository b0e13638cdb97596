import { randomBytes } from 'node:crypto';
import type { HarpServer } from '../../src/server/harp-server.js';
import { adminApi } from '../helpers/admin-api.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { MemoryProbe } from '../helpers/memory-probe.js';
import { note } from '../helpers/report.js';
import { slowDownload } from '../helpers/slow-download.js';

// The HAR export of a full inspector ring is the largest answer the admin API gives: with bodies
// recorded, 400 exchanges of 64 KiB each way make ~70 MB of HAR text (bodies in base64). Built
// whole, it would cost the proxy several times that in memory at once, for as long as a slow
// client takes to read it. Streamed entry by entry under backpressure, it costs a few MiB.

const MIB = 1024 * 1024;
const EXCHANGES = 400;
const BODY = 64 * 1024;
const BOUND = 24 * MIB;

/** Reads the export as a slow client does, keeping only its first and last bytes. */
async function readExport(url: string) {
  let head = '';
  let tail = '';
  const result = await slowDownload(
    url,
    (chunk) => {
      if (head.length < 64) head += chunk.subarray(0, 64).toString('latin1');
      tail = (tail + chunk.subarray(-16).toString('latin1')).slice(-16);
    },
    20_000,
  );
  return { ...result, head, tail };
}

async function fillRing(proxy: HarpServer): Promise<void> {
  const body = randomBytes(BODY);
  for (let i = 0; i < EXCHANGES; i += 8) {
    await Promise.all(
      Array.from({ length: 8 }, (_, j) =>
        send(`${proxy.url}/blob/${i + j}`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream' } }),
      ),
    );
  }
}

describe('inspector: HAR export of a full ring', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('streams the document, holding a bounded amount of memory while a slow client reads it', async () => {
    const proxy = await h.proxy({ inspectorBodies: true, inspectorCapacity: EXCHANGES, inspectorBodyBytes: BODY });
    const answer = randomBytes(BODY);
    const upstream = await h.upstream((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(answer));
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/' }] });
    await fillRing(proxy);
    expect((await adminApi(proxy, 'GET', '/inspector/requests?limit=1')).json.held).toBe(EXCHANGES);

    const probe = new MemoryProbe();
    h.defer(() => probe.stop());
    probe.start();
    const started = performance.now();
    const result = await readExport(`${proxy.url}/_harp/api/inspector/requests.har`);
    const seconds = (performance.now() - started) / 1000;
    const { peakGrowth } = probe.stop();
    note(`HAR export: ${(result.bytes / MIB).toFixed(1)} MiB in ${seconds.toFixed(1)} s, proxy memory growth ${(peakGrowth / MIB).toFixed(1)} MiB`);

    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(result.head).toMatch(/^\{"log":\{"version":"1\.2"/);
    expect(result.tail).toMatch(/\]\}\}$/);
    // Every body is in it, in base64, both ways.
    expect(result.bytes).toBeGreaterThan(EXCHANGES * 2 * Math.ceil(BODY / 3) * 4);
    expect(peakGrowth).toBeLessThan(BOUND);
  }, 120_000);
});

import { request } from 'node:http';
import { encodeData, encodeResponseHeadFrame } from '../../src/protocol/index.js';
import { cacheRig, cacheStatus } from '../helpers/cache.js';
import { sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { RawAgent } from '../helpers/raw-agent.js';

// Request collapsing (RFC 9111 §4, src/cache/coalescer.ts): concurrent misses for one key wait
// for the first one's response instead of all going to the backend.

const CLIENTS = 50;

describe('cache: collapsing concurrent misses', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it(`sends ${CLIENTS} concurrent misses for one URL to the upstream once, and all get the body`, async () => {
    const rig = await cacheRig(h, (_req, res) => {
      // Slow enough that every client's request is in before the first answer.
      setTimeout(() => {
        res.writeHead(200, { 'Cache-Control': 'max-age=60', 'Content-Type': 'text/plain' });
        res.end('the one answer');
      }, 200);
    });

    const responses = await Promise.all(Array.from({ length: CLIENTS }, () => rig.request('/popular')));

    expect(rig.hits('/popular')).toBe(1);
    expect(responses.map((r) => r.status)).toEqual(Array(CLIENTS).fill(200));
    expect(responses.every((r) => r.body.toString() === 'the one answer')).toBe(true);
    const statuses = responses.map((r) => cacheStatus(r) ?? '');
    expect(statuses.filter((s) => s === 'HARP; fwd=uri-miss; stored; ttl=60')).toHaveLength(1);
    expect(statuses.filter((s) => /^HARP; hit/.test(s))).toHaveLength(CLIENTS - 1);
  });

  it('lets the waiting requests go to the upstream when the response is not storable', async () => {
    let answered = 0;
    const rig = await cacheRig(h, (_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'Cache-Control': 'no-store' });
        res.end(`answer ${++answered}`);
      }, 100);
    });

    const responses = await Promise.all(Array.from({ length: 5 }, () => rig.request('/personal')));

    expect(rig.hits('/personal')).toBe(5);
    expect(new Set(responses.map((r) => r.body.toString())).size).toBe(5);
  });

  // Regression: a response of unknown length that outgrew cacheMaxObjectBytes was known not to
  // be stored at once, but the waiting requests were let go only when it ended: behind a slow
  // download they waited for all of it (up to cacheCoalesceTimeoutMs) before even starting.
  it('lets the waiting requests go as soon as a chunked response outgrows cacheMaxObjectBytes', async () => {
    const rig = await cacheRig(
      h,
      (_req, res) => {
        res.writeHead(200, { 'Cache-Control': 'max-age=60' });
        res.write(Buffer.alloc(80 * 1024, 1));
        // The rest of the download takes a while.
        const timer = setTimeout(() => res.end('end'), 2000);
        res.on('close', () => clearTimeout(timer));
      },
      { proxy: { cacheMaxObjectBytes: 64 * 1024 } },
    );

    const started = performance.now();
    /** Resolves with the time to the first body byte; reads to the end only when `whole`. */
    const firstByte = (whole: boolean): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${rig.proxy.url}/download`, { agent: false }, (res) => {
          res.once('data', () => {
            resolve(performance.now() - started);
            if (!whole) req.destroy();
          });
          res.resume();
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        req.end();
      });
    const leader = firstByte(true); // keeps downloading: its response is never stored, but goes on
    await sleep(100);
    const followers = await Promise.all([firstByte(false), firstByte(false), firstByte(false)]);

    expect(await leader).toBeLessThan(1000);
    for (const ms of followers) expect(ms).toBeLessThan(1000);
    expect(rig.hits('/download')).toBe(4);
  });

  // Regression: when a cacheable response's head could not be written to the client (502
  // bad_response), the fill was never ended, the key stayed "being fetched" for good, and every
  // later request for it waited out cacheCoalesceTimeoutMs (5 s) before going to the backend.
  it('does not hold later requests after a cacheable response that could not be relayed', async () => {
    const proxy = await h.proxy();
    const raw = await RawAgent.connect(proxy.url, [{ host: '*', path: '/' }]);
    h.defer(() => raw.socket.terminate());
    const answerBadly = async (): Promise<void> => {
      const { streamId } = await raw.nextRequest();
      // A field name with a space: the protocol carries it, Node refuses to write it.
      const headers: Array<[string, string]> = [['Cache-Control', 'max-age=60'], ['Bad Name', 'x'], ['Content-Length', '2']];
      raw.send(encodeResponseHeadFrame(streamId, { status: 200, reason: 'OK', headers }, false));
      raw.send(encodeData(streamId, Buffer.from('ok'), true));
    };

    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const [res] = await Promise.all([send(`${proxy.url}/broken`), answerBadly()]);
      expect(res.status).toBe(502);
      expect(res.headers['x-harp-error']).toBe('bad_response');
      expect(cacheStatus(res)).toBe('HARP; fwd=uri-miss');
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

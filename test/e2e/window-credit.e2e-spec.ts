import { encodeData, encodeResponseHeadFrame, FrameType } from '../../src/protocol/index.js';
import type { Frame } from '../../src/protocol/index.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { outcome } from '../helpers/outcome-client.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { proxyOpenStreams } from '../helpers/tunnels.js';

// The proxy returns window for response bytes its client has taken (docs/protocol.md §6), but
// not for the last bytes of a body whose length the head declared: only END or TRAILERS can
// follow them, and those need no window, so the WINDOW_UPDATE would cost a frame each way for
// nothing. A raw agent sees exactly which frames the proxy sends.

const WINDOW = 16 * 1024; // credit goes back in batches of a quarter window: 4 KiB
const BODY = Buffer.alloc(8 * 1024, 'x');

describe('window credit for response bodies', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('is not returned once a declared body is complete, and is for one of unknown length', async () => {
    const proxy = await h.proxy({ windowBytes: WINDOW });
    const raw = await RawAgent.connect(proxy.url, [{ host: '*', path: '/raw' }]);
    h.defer(() => raw.terminate());

    const declared = outcome(`${proxy.url}/raw/declared`, { timeoutMs: 5000 });
    const first = (await raw.nextRequest()).streamId;
    raw.send(encodeResponseHeadFrame(first, { status: 200, reason: 'OK', headers: [['Content-Length', String(BODY.length)]] }, false));
    raw.send(encodeData(first, BODY, false));
    expect(await declared).toMatchObject({ status: 200, complete: true, body: BODY });

    // The same bytes without a length: the proxy cannot know they are the last, and credits them.
    const open = outcome(`${proxy.url}/raw/open`, { timeoutMs: 5000 });
    // Frames leave in order: a credit for the first stream would arrive before this request.
    const next = await raw.next((f) => f.type === FrameType.WindowUpdate || f.type === FrameType.RequestHead);
    expect(next.type).toBe(FrameType.RequestHead);
    const second = (next as Extract<Frame, { type: FrameType.RequestHead }>).streamId;
    raw.send(encodeResponseHeadFrame(second, { status: 200, reason: 'OK', headers: [] }, false));
    raw.send(encodeData(second, BODY, false));
    const update = (await raw.next((f) => f.type === FrameType.WindowUpdate)) as Extract<Frame, { type: FrameType.WindowUpdate }>;
    expect([update.streamId, update.increment]).toEqual([second, BODY.length]);

    raw.send(encodeData(first, Buffer.alloc(0), true));
    raw.send(encodeData(second, Buffer.alloc(0), true));
    expect(await open).toMatchObject({ status: 200, complete: true, body: BODY });
    await eventually(() => proxyOpenStreams(proxy) === 0, 2000, 'both streams closed');
  });
});

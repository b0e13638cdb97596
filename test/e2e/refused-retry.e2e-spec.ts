import { encodeReset, FrameType, ResetCode } from '../../src/protocol/index.js';
import type { RequestHeadFrame } from '../../src/protocol/index.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { RawAgent } from '../helpers/raw-agent.js';

// A backend that refuses a stream (RESET Refused) has not read the request: another member of
// the route's pool can take it, as an HTTP/2 client retries a REFUSED_STREAM.

/** An agent that refuses every request it is given; counts them. */
async function refusingAgent(h: Harness, proxyUrl: string) {
  const raw = await RawAgent.connect(proxyUrl, [{ host: '*', path: '/' }]);
  h.defer(() => raw.terminate());
  const seen: string[] = [];
  let stopped = false;
  h.defer(() => (stopped = true));
  void (async () => {
    while (!stopped) {
      // Short waits, so that the loop notices the end of the test at once.
      const frame = await raw.next((f) => f.type === FrameType.RequestHead, 50).catch(() => undefined);
      if (!frame) continue;
      const request = frame as RequestHeadFrame;
      seen.push(`${request.head.method} ${request.head.target}`);
      raw.send(encodeReset(request.streamId, ResetCode.Refused, 'busy'));
    }
  })();
  return { seen };
}

describe('refused streams', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('go to another member of the pool instead of failing', async () => {
    const proxy = await h.proxy();
    const refusing = await refusingAgent(h, proxy.url);
    const served: string[] = [];
    const upstream = await h.upstream((req, res) => {
      served.push(req.url!);
      res.end(`served ${req.url}`);
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/' }] });

    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => send(`${proxy.url}/r${i}`)));

    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(answers.map((a) => a.body.toString())).toEqual(Array.from({ length: 10 }, (_, i) => `served /r${i}`));
    // Round-robin sent some of them to the refusing agent first; each was served exactly once.
    expect(refusing.seen.length).toBeGreaterThan(0);
    expect([...served].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `/r${i}`).sort());
  });

  it('answer 503 agent_refused when no other member can take them', async () => {
    const proxy = await h.proxy();
    const refusing = await refusingAgent(h, proxy.url);
    const answer = await send(`${proxy.url}/only`);
    expect(answer.status).toBe(503);
    expect(answer.headers['x-harp-error']).toBe('agent_refused');
    expect(refusing.seen).toEqual(['GET /only']);
  });

  it('are offered to at most two other members', async () => {
    const proxy = await h.proxy();
    const agents = [];
    for (let i = 0; i < 4; i++) agents.push(await refusingAgent(h, proxy.url));
    const answer = await send(`${proxy.url}/everyone-busy`);
    expect(answer.status).toBe(503);
    expect(answer.headers['x-harp-error']).toBe('agent_refused');
    const offers = agents.map((a) => a.seen.length);
    expect(offers.reduce((x, y) => x + y, 0)).toBe(3);
    expect(Math.max(...offers)).toBe(1); // never twice to the same one
  });

  it('are not sent again when the request has a body', async () => {
    const proxy = await h.proxy();
    const refusing = await refusingAgent(h, proxy.url);
    const served: string[] = [];
    const upstream = await h.upstream((req, res) => {
      req.resume();
      served.push(req.url!);
      req.on('end', () => res.end('ok'));
    });
    await h.agent(proxy, upstream.url, { routes: [{ host: '*', path: '/' }] });

    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => send(`${proxy.url}/p${i}`, { method: 'POST', body: 'payload' })),
    );

    const refused = answers.filter((a) => a.status === 503);
    expect(refused.length).toBe(refusing.seen.length);
    expect(refused.every((a) => a.headers['x-harp-error'] === 'agent_refused')).toBe(true);
    expect(served.length + refused.length).toBe(6);
  });
});

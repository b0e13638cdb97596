import type { ClientHttp2Session } from 'node:http2';
import type { HarpServer } from '../../src/server/harp-server.js';
import { HTTP2_LIMITS } from '../../src/server/h2-limits.js';
import { MAX_REQUEST_HEADER_FIELDS } from '../../src/proxy/proxy-settings.js';
import { eventually } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { h2Request, h2Session } from '../helpers/h2-client.js';
import { CODE, getFrame, headersFrame, pingFrame, RawH2, rstFrame, settingsFrame } from '../helpers/h2-frames.js';
import { sendTls } from '../helpers/tls-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';

describe('HTTP/2 abuse on the TLS port', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  const closers: Array<{ destroy(): void }> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) c.destroy();
    await h.closeAll();
  });

  const raw = async (proxy: HarpServer): Promise<RawH2> => {
    const client = await RawH2.open(proxy.tlsPort!);
    closers.push(client);
    return client;
  };
  const session = async (proxy: HarpServer): Promise<ClientHttp2Session> => {
    const s = await h2Session(proxy.tlsUrl!, tls.ca.cert);
    closers.push(s);
    return s;
  };
  /** Another HTTP/2 client and an HTTP/1.1 client, both served as usual. */
  const othersServed = async (proxy: HarpServer, others: ClientHttp2Session): Promise<void> => {
    const h2 = await h2Request(others, { ':path': '/other', ':authority': 'localhost' });
    expect(h2.body.toString()).toBe('ok /other');
    const h1 = await sendTls(`${proxy.tlsUrl}/plain`, { ca: tls.ca.cert, servername: 'localhost' });
    expect(h1.body.toString()).toBe('ok /plain');
  };
  const echoUpstream = (): Promise<{ url: string }> => h.upstream((req, res) => res.end(`ok ${req.url}`));

  it('closes a session that opens and resets streams in a flood (rapid reset) with GOAWAY ENHANCE_YOUR_CALM', async () => {
    const proxy = await tls.proxy();
    await h.agent(proxy, (await echoUpstream()).url);
    const others = await session(proxy);
    await othersServed(proxy, others);
    const attacker = await raw(proxy);
    // HEADERS then RST_STREAM, stream after stream, as CVE-2023-44487 does: thousands in one go.
    const frames = Array.from({ length: 2000 }, (_, i) => [getFrame(1 + 2 * i, 'localhost', `/reset/${i}`), rstFrame(1 + 2 * i)]);
    attacker.write(...frames.flat());
    await attacker.closed;
    expect(attacker.goaway).toBe(CODE.ENHANCE_YOUR_CALM);
    await othersServed(proxy, others);
  });

  it('refuses streams past maxConcurrentStreams with REFUSED_STREAM, and serves the rest and other clients', async () => {
    const proxy = await tls.proxy();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    const upstream = await h.upstream((req, res) => {
      if (!req.url!.startsWith('/held')) return void res.end(`ok ${req.url}`);
      held++;
      void released.then(() => res.end('late'));
    });
    await h.agent(proxy, upstream.url);
    const others = await session(proxy);
    const greedy = await raw(proxy);
    const opened = HTTP2_LIMITS.maxConcurrentStreams + 50;
    greedy.write(...Array.from({ length: opened }, (_, i) => getFrame(1 + 2 * i, 'localhost', `/held/${i}`)));
    await eventually(() => greedy.resets.size === 50);
    expect([...greedy.resets.values()].every((code) => code === CODE.REFUSED_STREAM)).toBe(true);
    await eventually(() => held === HTTP2_LIMITS.maxConcurrentStreams);
    await othersServed(proxy, others);
    release();
    await eventually(() => greedy.answered.size === HTTP2_LIMITS.maxConcurrentStreams);
    expect(greedy.isClosed).toBe(false);
  });

  it('refuses a header list larger than maxHeaderBytes, and the session goes on', async () => {
    const proxy = await tls.proxy({ maxHeaderBytes: 4096 });
    await h.agent(proxy, (await echoUpstream()).url);
    const s = await session(proxy);
    const big = await h2Request(s, { ':path': '/big', ':authority': 'localhost', 'x-big': 'x'.repeat(6000) }).then(
      (answer) => `status ${answer.status}`,
      (err: Error) => err.message,
    );
    expect(big).toBe('status 431');
    const small = await h2Request(s, { ':path': '/small', ':authority': 'localhost' });
    expect(small.body.toString()).toBe('ok /small');
  });

  it('refuses more header fields than the proxy takes with 431, and far more with a stream error', async () => {
    const proxy = await tls.proxy();
    await h.agent(proxy, (await echoUpstream()).url);
    const s = await session(proxy);
    const ask = (count: number): Promise<string> => {
      const fields = Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-f${i}`, '1']));
      return h2Request(s, { ':path': '/many', ':authority': 'localhost', ...fields }).then(
        (answer) => `status ${answer.status} ${answer.headers['x-harp-error']}`,
        (err: Error) => err.message,
      );
    };
    expect(await ask(MAX_REQUEST_HEADER_FIELDS + 1)).toBe('status 431 headers_too_large');
    // Past what Node keeps of a header list, the stream is reset before the proxy sees it.
    expect(await ask(MAX_REQUEST_HEADER_FIELDS + 50)).toMatch(/ENHANCE_YOUR_CALM/);
    expect((await h2Request(s, { ':path': '/after', ':authority': 'localhost' })).body.toString()).toBe('ok /after');
  });

  it('closes a session that floods SETTINGS, and one that floods PING, with GOAWAY ENHANCE_YOUR_CALM', async () => {
    const proxy = await tls.proxy();
    await h.agent(proxy, (await echoUpstream()).url);
    const others = await session(proxy);
    for (const flood of [settingsFrame, pingFrame]) {
      const attacker = await raw(proxy);
      attacker.write(...Array.from({ length: 1000 }, () => flood()));
      await attacker.closed;
      expect(attacker.goaway).toBe(CODE.ENHANCE_YOUR_CALM);
    }
    await othersServed(proxy, others);
  });

  it('answers an honest raw client: the frames the tests write are valid HTTP/2', async () => {
    const proxy = await tls.proxy();
    await h.agent(proxy, (await echoUpstream()).url);
    const client = await raw(proxy);
    client.write(headersFrame(1, [[':method', 'GET'], [':scheme', 'https'], [':authority', 'localhost'], [':path', '/hello']]));
    await eventually(() => client.answered.has(1));
    expect(client.resets.size).toBe(0);
  });
});

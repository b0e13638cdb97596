import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { rawExchange, requestText } from '../helpers/raw-http.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { sendTls } from '../helpers/tls-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';
import { open } from '../helpers/websocket-client.js';

describe('httpRedirect: the plain port sends clients to HTTPS', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  afterEach(() => h.closeAll());

  async function setup(): Promise<{ proxy: HarpServer; upstream: Awaited<ReturnType<typeof recordingUpstream>> }> {
    const proxy = await tls.proxy({ httpRedirect: true });
    const upstream = await recordingUpstream(h);
    // Over ws:// on the plain port: the agents' WebSocket is served there as before.
    await h.agent(proxy, upstream.url);
    return { proxy, upstream };
  }

  it('answers 308 with the same target on https://, method and body left to the client to resend', async () => {
    const { proxy, upstream } = await setup();
    const got = await send(`${proxy.url}/a/b?c=d`, { headers: { host: 'app.example.test:8080' } });
    expect(got.status).toBe(308);
    expect(got.headers.location).toBe(`https://app.example.test:${proxy.tlsPort}/a/b?c=d`);
    const posted = await send(`${proxy.url}/form`, { method: 'POST', headers: { host: 'app.example.test' }, body: 'x'.repeat(100_000) });
    expect(posted.status).toBe(308);
    expect(posted.headers.location).toBe(`https://app.example.test:${proxy.tlsPort}/form`);
    // The dashboard and the admin API too: their token must not cross in the clear.
    expect((await send(`${proxy.url}/_harp/api/agents`)).status).toBe(308);
    expect(upstream.received).toHaveLength(0);
    // Following it works.
    const followed = await sendTls(got.headers.location!.replace('app.example.test', '127.0.0.1'), { ca: tls.ca.cert });
    expect(followed.status).toBe(200);
  });

  it('refuses the body of an Expect: 100-continue upload before it is sent', async () => {
    const { proxy } = await setup();
    const request = requestText('PUT /big HTTP/1.1', ['Host: app.example.test', 'Content-Length: 1000000', 'Expect: 100-continue']);
    const result = await rawExchange(proxy.port, [request], { responses: 1 });
    expect(result.responses[0]).toMatchObject({ status: 308, headers: { location: `https://app.example.test:${proxy.tlsPort}/big`, connection: 'close' } });
    expect(result.raw.toString('latin1')).not.toContain('100 Continue');
  });

  it('serves ACME challenges, health checks and agents on the plain port as before', async () => {
    const { proxy, upstream } = await setup();
    const challenge = await send(`${proxy.url}/.well-known/acme-challenge/token-1`, { headers: { host: 'app.example.test' } });
    expect(challenge.status).toBe(200);
    expect(challenge.body.toString()).toBe('ok GET /.well-known/acme-challenge/token-1 0');
    expect(upstream.received[0]!.headers['x-forwarded-proto']).toBe('http');
    expect((await send(`${proxy.url}/_harp/healthz`)).status).toBe(200);
    expect((await send(`${proxy.url}/_harp/readyz`)).status).toBe(200);
  });

  it('redirects public WebSockets on the plain port, and serves everything over TLS', async () => {
    const { proxy } = await setup();
    await expect(open(`ws://127.0.0.1:${proxy.port}/chat`)).rejects.toMatchObject({ status: 308 });
    const overTls = await sendTls(`${proxy.tlsUrl}/a`, { ca: tls.ca.cert });
    expect(overTls.status).toBe(200);
    expect(overTls.body.toString()).toBe('ok GET /a 0');
  });

  it('leaves a request without a Host to the proxy, which refuses it as before (HTTP/1.1 requires one)', async () => {
    const { proxy } = await setup();
    const result = await rawExchange(proxy.port, [requestText('GET /x HTTP/1.1', [])], { responses: 1 });
    expect(result.responses[0]!.status).toBe(400);
    expect(result.responses[0]!.headers.location).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { startAgent } from '../../src/agent/connect.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { digestingUpstream, inParts, sha256Hex } from '../helpers/digest-upstream.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { handshake, sendTls } from '../helpers/tls-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';
import { twoPartUpstream } from '../helpers/two-part-upstream.js';

describe('HTTPS and wss:// on the TLS port', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  afterEach(() => h.closeAll());

  const wssUrl = (proxy: HarpServer): string => proxy.tlsUrl!.replace('https://', 'wss://');

  it('proxies GET and POST byte for byte through an agent connected over wss:// with its CA', async () => {
    const proxy = await tls.proxy();
    const download = randomBytes(3 * 1024 * 1024 + 17);
    const upstream = await digestingUpstream(h, download);
    await h.agent(proxy, upstream.url, { server: wssUrl(proxy), ca: tls.ca.cert });

    const got = await sendTls(`${proxy.tlsUrl}/file`, { ca: tls.ca.cert });
    expect(got.status).toBe(200);
    expect(got.fingerprint).toBe(tls.leaf.fingerprint);
    expect(got.body.length).toBe(download.length);
    expect(sha256Hex(got.body)).toBe(sha256Hex(download));

    const upload = randomBytes(5 * 1024 * 1024 + 3);
    const posted = await sendTls(`${proxy.tlsUrl}/upload`, { ca: tls.ca.cert, method: 'POST', body: inParts(upload, 80) });
    expect(posted.body.toString()).toBe(`${upload.length} ${sha256Hex(upload)}`);
  });

  it('streams a response over HTTPS as the backend produces it', async () => {
    const proxy = await tls.proxy();
    const { url, release } = await twoPartUpstream(h);
    await h.agent(proxy, url, { server: wssUrl(proxy), ca: tls.ca.cert });
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      httpsRequest(`${proxy.tlsUrl}/stream`, { ca: tls.ca.cert, agent: false }, (res) => {
        res.on('data', (chunk: Buffer) => {
          received.push(chunk.toString());
          if (received.join('') === 'first ') release(); // the backend waits for the client to have it
        });
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    await done;
    expect(received.join('')).toBe('first second');
    expect(received[0]).toBe('first ');
  });

  it('tells the backend the request came over https (X-Forwarded-Proto, Forwarded proto=https)', async () => {
    const proxy = await tls.proxy();
    const upstream = await recordingUpstream(h);
    await h.agent(proxy, upstream.url);
    await sendTls(`${proxy.tlsUrl}/seen`, { ca: tls.ca.cert, headers: { 'X-Forwarded-Proto': 'http' } });
    const [overTls] = await upstream.settled(1);
    expect(overTls!.headers['x-forwarded-proto']).toBe('https');
    expect(overTls!.headers.forwarded).toBe('for=127.0.0.1;host="127.0.0.1:' + proxy.tlsPort + '";proto=https');
    // The plain port of the same proxy still says http.
    const plain = await fetch(`${proxy.url}/seen`);
    expect(plain.status).toBe(200);
    const [, overPlain] = await upstream.settled(2);
    expect(overPlain!.headers['x-forwarded-proto']).toBe('http');
  });

  it('lets an HTTPS request in flight finish when the proxy shuts down', async () => {
    const proxy = await tls.proxy();
    let answer!: () => void;
    const upstream = await h.upstream((_req, res) => {
      res.write('started ');
      answer = () => res.end('and finished');
    });
    await h.agent(proxy, upstream.url, { server: wssUrl(proxy), ca: tls.ca.cert });
    const inFlight = sendTls(`${proxy.tlsUrl}/slow`, { ca: tls.ca.cert });
    await eventually(() => answer !== undefined, 3000, 'the request to reach the backend');
    const closed = proxy.app.close();
    // The HTTPS listener stops taking connections while the request runs on.
    await eventually(() => !proxy.app.getHttpServer().listening, 3000, 'the plain listener to close');
    await expect(handshake(proxy.tlsPort!)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    answer();
    const got = await inFlight;
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('started and finished');
    await closed;
  });

  it('serves /_harp/* over HTTPS too', async () => {
    const proxy = await tls.proxy();
    const health = await sendTls(`${proxy.tlsUrl}/_harp/healthz`, { ca: tls.ca.cert });
    expect(health.status).toBe(200);
  });

  it('tunnels a public WebSocket over wss://', async () => {
    const proxy = await tls.proxy();
    const wss = new WebSocketServer({ noServer: true });
    h.defer(() => wss.close());
    const upstream = await h.upstream((_req, res) => res.end('no'));
    upstream.server.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data: Buffer) => ws.send(Buffer.concat([Buffer.from('echo '), data])))),
    );
    await h.agent(proxy, upstream.url, { server: wssUrl(proxy), ca: tls.ca.cert });
    const client = new WebSocket(`${wssUrl(proxy)}/chat`, { ca: tls.ca.cert });
    h.defer(() => client.terminate());
    const answer = await new Promise<string>((resolve, reject) => {
      client.once('open', () => client.send('hello'));
      client.once('message', (data: Buffer) => resolve(data.toString()));
      client.once('error', reject);
    });
    expect(answer).toBe('echo hello');
    expect((client as unknown as { _socket: TLSSocket })._socket.encrypted).toBe(true);
  });

  it('refuses TLS 1.1 and accepts TLS 1.2 and 1.3', async () => {
    const proxy = await tls.proxy();
    // SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal is the server's.
    const old = handshake(proxy.tlsPort!, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    await expect(old).rejects.toMatchObject({ code: expect.stringMatching(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/) });
    expect((await handshake(proxy.tlsPort!, { maxVersion: 'TLSv1.2' })).protocol).toBe('TLSv1.2');
    expect((await handshake(proxy.tlsPort!)).protocol).toBe('TLSv1.3');
  });

  it('lets an agent without the CA fail the handshake, not connect', async () => {
    const proxy = await tls.proxy();
    const upstream = await h.upstream((_req, res) => res.end('x'));
    const { agent } = await startAgent({ server: wssUrl(proxy), key: TEST_KEY, upstream: upstream.url, reconnect: false });
    h.defer(() => agent.close(0));
    const errors: string[] = [];
    agent.on('connectionError', (err) => errors.push(err.message));
    await eventually(() => errors.length > 0, 5000, 'a connection error');
    expect(errors[0]).toMatch(/self[- ]signed|unable to (get|verify)/i);
  });

  it('connects `harp http --ca FILE` over wss://', async () => {
    const proxy = await tls.proxy();
    const upstream = await h.upstream((req, res) => res.end(`from the CLI's upstream: ${req.url}`));
    const agent = await AgentProcess.start(upstream.url, wssUrl(proxy), TEST_KEY, ['--ca', tls.ca.certFile]);
    h.defer(() => agent.stop());
    const got = await sendTls(`${proxy.tlsUrl}/via-cli`, { ca: tls.ca.cert });
    expect(got.body.toString()).toBe("from the CLI's upstream: /via-cli");
  });
});

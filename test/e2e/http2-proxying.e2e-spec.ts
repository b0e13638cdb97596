import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { constants } from 'node:http2';
import type { ClientHttp2Session } from 'node:http2';
import type { HarpServer } from '../../src/server/harp-server.js';
import { Harness } from '../helpers/harness.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { h2Request, h2Session } from '../helpers/h2-client.js';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { digestingUpstream, inParts, sha256Hex } from '../helpers/digest-upstream.js';
import { collectReports } from '../helpers/exchange-reports.js';
import { eventually } from '../helpers/eventually.js';
import { sendTls } from '../helpers/tls-client.js';
import { tlsSuite } from '../helpers/tls-suite.js';
import { twoPartUpstream } from '../helpers/two-part-upstream.js';

describe('HTTP/2 from clients on the TLS port', () => {
  const h = new Harness();
  const tls = tlsSuite(h);
  const sessions: ClientHttp2Session[] = [];

  afterEach(async () => {
    for (const session of sessions.splice(0)) session.destroy();
    await h.closeAll();
  });

  const session = async (proxy: HarpServer): Promise<ClientHttp2Session> => {
    const s = await h2Session(proxy.tlsUrl!, tls.ca.cert);
    sessions.push(s);
    return s;
  };

  it('negotiates h2 by ALPN, and http/1.1 for clients that ask only for it', async () => {
    const proxy = await tls.proxy();
    const s = await session(proxy);
    expect(s.alpnProtocol).toBe('h2');
    const answer = await new Promise<{ status: number; alpn: string | false | null; version: string }>((resolve, reject) => {
      const options = { ca: tls.ca.cert, servername: 'localhost', ALPNProtocols: ['http/1.1'], agent: false };
      const req = httpsRequest(`${proxy.tlsUrl}/_harp/healthz`, options, (res) => {
        res.resume();
        res.once('end', () => resolve({ status: res.statusCode!, alpn: (res.socket as TLSSocket).alpnProtocol, version: res.httpVersion }));
      });
      req.once('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 200, alpn: 'http/1.1', version: '1.1' });
  });

  it('carries a 3 MiB GET and a 5 MiB POST byte for byte, the download streamed in parts', async () => {
    const proxy = await tls.proxy();
    const download = randomBytes(3 * 1024 * 1024 + 17);
    const upstream = await digestingUpstream(h, download, { reportContentLength: true });
    await h.agent(proxy, upstream.url);
    const s = await session(proxy);

    const got = await h2Request(s, { ':path': '/file', ':authority': 'localhost' });
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(download.length);
    expect(sha256Hex(got.body)).toBe(sha256Hex(download));
    expect(got.chunks).toBeGreaterThan(1);

    const upload = randomBytes(5 * 1024 * 1024 + 3);
    // No content-length: the body is framed by DATA frames alone, and chunked on the backend's hop.
    const posted = await h2Request(s, { ':method': 'POST', ':path': '/upload', ':authority': 'localhost' }, inParts(upload, 80));
    expect(posted.body.toString()).toBe(`${upload.length} ${sha256Hex(upload)} none`);
  });

  it('streams a response as the backend produces it', async () => {
    const proxy = await tls.proxy();
    const { url, release } = await twoPartUpstream(h);
    await h.agent(proxy, url);
    const s = await session(proxy);
    let seen = '';
    const got = await h2Request(s, { ':path': '/stream', ':authority': 'localhost' }, undefined, (chunk) => {
      seen += chunk.toString();
      if (seen === 'first ') release(); // the backend waits for the client to have the first part
    });
    expect(got.body.toString()).toBe('first second');
  });

  it('carries a client reset mid-download to the backend, and the session goes on', async () => {
    const proxy = await tls.proxy();
    let backendClosed!: () => void;
    const closedAtBackend = new Promise<void>((resolve) => (backendClosed = resolve));
    const upstream = await h.upstream((req, res) => {
      if (req.url !== '/endless') return void res.end('ok');
      res.on('close', () => backendClosed());
      res.write(Buffer.alloc(64 * 1024));
    });
    await h.agent(proxy, upstream.url);
    const s = await session(proxy);
    const stream = s.request({ ':path': '/endless', ':authority': 'localhost' }, { endStream: true });
    stream.once('data', () => stream.close(constants.NGHTTP2_CANCEL));
    await closedAtBackend;
    expect((await h2Request(s, { ':path': '/next', ':authority': 'localhost' })).body.toString()).toBe('ok');
  });

  // Regression: the proxy stopped such a stream on the compatibility response's 'finish', which
  // Node emits only once the stream has closed: a client still uploading was never told to stop.
  it('ends the stream of an upload the backend answered before reading it, and the session goes on', async () => {
    const proxy = await tls.proxy();
    const upstream = await h.upstream((req, res) => {
      if (req.url === '/early') return void res.writeHead(413, { 'Content-Type': 'text/plain' }).end('too much');
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    await h.agent(proxy, upstream.url);
    const s = await session(proxy);
    const answered = await new Promise<{ status: number; body: string; rstCode: number | undefined }>((resolve, reject) => {
      const stream = s.request({ ':method': 'POST', ':path': '/early', ':authority': 'localhost', 'content-length': '100000' });
      stream.write(Buffer.alloc(1000));
      let status = 0;
      let body = '';
      stream.once('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.once('close', () => resolve({ status, body, rstCode: stream.rstCode }));
      stream.once('error', reject);
    });
    expect(answered).toEqual({ status: 413, body: 'too much', rstCode: constants.NGHTTP2_NO_ERROR });
    const next = await h2Request(s, { ':method': 'POST', ':path': '/next', ':authority': 'localhost' }, 'abc');
    expect(next.body.toString()).toBe('ok');
  });

  it('routes on :authority, and the backend gets a valid HTTP/1.1 request with Host = :authority', async () => {
    const proxy = await tls.proxy();
    const upstream = await recordingUpstream(h, (_req, res) => {
      res.writeHead(200, [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=5']].flat());
      res.end('api');
    });
    const other = await recordingUpstream(h);
    await h.agent(proxy, upstream.url, { routes: [{ host: 'api.test', path: '/' }] });
    await h.agent(proxy, other.url, { routes: [{ host: 'www.test', path: '/' }] });
    const s = await session(proxy);
    const reports = collectReports(h, proxy);

    const got = await h2Request(s, { ':path': '/x?y=1', ':authority': 'api.test', cookie: ['c=1', 'd=2'] });
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('api');
    expect(got.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(got.headers.connection).toBeUndefined();
    expect(got.headers['keep-alive']).toBeUndefined();
    const [seen] = await upstream.settled(1);
    expect(seen.url).toBe('/x?y=1');
    expect(seen.headers.host).toBe('api.test');
    // Pseudo-header fields are HTTP/2's; the split cookie is one field on HTTP/1.1 (RFC 9113 §8.2.3).
    expect(seen.rawHeaders.filter((_, i) => i % 2 === 0).some((name) => name.startsWith(':'))).toBe(false);
    expect(seen.headers.cookie).toBe('c=1; d=2');
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(other.received).toHaveLength(0);
    // The record says which version the client spoke, and holds the head it was sent.
    await eventually(() => reports.length === 1);
    expect(reports[0]!.httpVersion).toBe('2.0');
    expect(reports[0]!.host).toBe('api.test');
    expect(reports[0]!.responseHead).toMatch(/^HTTP\/2 200\r\n/);
    expect(reports[0]!.requestFields.slice(0, 2)).toEqual(['Host', 'api.test']);
  });

  it('answers its own errors over HTTP/2 with their codes: no route, a refused CONNECT, a conflicting Host', async () => {
    const proxy = await tls.proxy();
    const s = await session(proxy);
    const missing = await h2Request(s, { ':path': '/', ':authority': 'nowhere.test' });
    expect(missing.status).toBe(404);
    expect(missing.headers['x-harp-error']).toBe('no_route');
    const connect = await h2Request(s, { ':method': 'CONNECT', ':authority': 'elsewhere.test:443' });
    expect(connect.status).toBe(501);
    expect(connect.headers['x-harp-error']).toBe('connect_not_supported');
    // Refused while its body is still coming: answered, then the stream (not the session) ends.
    const endless = new Readable({ read() {} });
    endless.push(Buffer.alloc(1000));
    const conflicting = await h2Request(s, { ':method': 'POST', ':path': '/', ':authority': 'a.test', host: 'b.test' }, endless);
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.toString()).toMatch(/Host and :authority name different hosts/);
    expect((await h2Request(s, { ':path': '/', ':authority': 'nowhere.test' })).status).toBe(404);
  });

  it('serves /_harp/* over HTTP/2 too, the admin API judging the real client', async () => {
    const proxy = await tls.proxy();
    const s = await session(proxy);
    const health = await h2Request(s, { ':path': '/_harp/healthz', ':authority': 'localhost' });
    expect(health.status).toBe(200);
    // No admin token: loopback only. The client is on loopback, and the in-process hop to
    // Express says so; a hop that lost the address would be refused (403).
    const agents = await h2Request(s, { ':path': '/_harp/api/agents', ':authority': 'localhost' });
    expect(agents.status).toBe(200);
    expect(agents.headers.connection).toBeUndefined();

    const guarded = await tls.proxy({ adminToken: 'admin-token-0123456789' });
    const g = await session(guarded);
    expect((await h2Request(g, { ':path': '/_harp/api/agents', ':authority': 'localhost' })).status).toBe(401);
    const bearer = { ':path': '/_harp/api/agents', ':authority': 'localhost', authorization: 'Bearer admin-token-0123456789' };
    expect((await h2Request(g, bearer)).status).toBe(200);
  });

  it('sends 100 Continue only once the request is routed, and refuses an upload too large at once', async () => {
    const proxy = await tls.proxy({ maxBodyBytes: 1000 });
    const upstream = await h.upstream((req, res) => {
      let length = 0;
      req.on('data', (chunk: Buffer) => (length += chunk.length));
      req.on('end', () => res.end(`got ${length}`));
    });
    await h.agent(proxy, upstream.url);
    const s = await session(proxy);
    const continued = await new Promise<{ informational: boolean; body: string }>((resolve, reject) => {
      const stream = s.request({ ':method': 'POST', ':path': '/up', ':authority': 'localhost', expect: '100-continue' });
      let informational = false;
      let body = '';
      stream.once('continue', () => {
        informational = true;
        stream.end('x'.repeat(500));
      });
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      stream.once('end', () => resolve({ informational, body }));
      stream.once('error', reject);
    });
    expect(continued).toEqual({ informational: true, body: 'got 500' });
    // Declared too large: 413 before any body byte is asked for; the stream is then ended,
    // not the connection, which goes on serving.
    const refused = await new Promise<{ status: number; informational: boolean }>((resolve, reject) => {
      const stream = s.request({ ':method': 'POST', ':path': '/up', ':authority': 'localhost', 'content-length': '5000', expect: '100-continue' });
      let informational = false;
      stream.once('continue', () => (informational = true));
      stream.once('response', (headers) => {
        stream.resume();
        resolve({ status: Number(headers[':status']), informational });
      });
      stream.once('error', reject);
    });
    expect(refused).toEqual({ status: 413, informational: false });
    const after = await h2Request(s, { ':method': 'POST', ':path': '/up', ':authority': 'localhost' }, 'abc');
    expect(after.body.toString()).toBe('got 3');
  });

  it('finishes a request in flight at shutdown, then closes the session', async () => {
    const proxy = await tls.proxy();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const upstream = await h.upstream((_req, res) => {
      arrived();
      void released.then(() => res.end('finished'));
    });
    await h.agent(proxy, upstream.url);
    const s = await session(proxy);
    const closed = new Promise<void>((resolve) => s.once('close', resolve));
    const answer = h2Request(s, { ':path': '/slow', ':authority': 'localhost' });
    await inFlight;
    const stopping = proxy.close();
    release();
    expect((await answer).body.toString()).toBe('finished');
    await stopping;
    await closed;
  });

  it('closes a session that has no open stream for the keep-alive timeout, with GOAWAY NO_ERROR', async () => {
    const proxy = await tls.proxy();
    const s = await session(proxy);
    const goaway = new Promise<number>((resolve) => s.once('goaway', (code: number) => resolve(code)));
    expect((await h2Request(s, { ':path': '/_harp/healthz', ':authority': 'localhost' })).status).toBe(200);
    expect(await goaway).toBe(0);
  });

  it('answers the HTTP/2 connection preface on the plain port with 505: no h2c there', async () => {
    const proxy = await h.proxy();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(proxy.port, '127.0.0.1', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.once('close', () => resolve(text));
      socket.on('error', () => undefined);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 505 [^]*X-Harp-Error: version_not_supported\r\n/);
  });

  it('keeps serving HTTP/1.1 clients on the same port', async () => {
    const proxy = await tls.proxy();
    const upstream = await recordingUpstream(h);
    await h.agent(proxy, upstream.url);
    const got = await sendTls(`${proxy.tlsUrl}/one`, { ca: tls.ca.cert, servername: 'localhost' });
    expect(got.status).toBe(200);
    expect(got.socket.alpnProtocol).toBe(false);
    const [seen] = await upstream.settled(1);
    expect(seen.url).toBe('/one');
    // node:http's limits hold on this port as on the plain one.
    const big = await sendTls(`${proxy.tlsUrl}/big`, { ca: tls.ca.cert, servername: 'localhost', headers: { 'x-big': 'x'.repeat(20_000) } });
    expect(big.status).toBe(431);
  });
});

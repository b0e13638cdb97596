import * as grpc from '@grpc/grpc-js';
import { constants, createSecureServer, createServer } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { HarpServer } from '../../src/server/harp-server.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { TestCa } from '../helpers/certificates.js';
import type { IssuedCertificate } from '../helpers/certificates.js';
import { eventually } from '../helpers/eventually.js';
import { h2Request, h2Session } from '../helpers/h2-client.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// gRPC end to end: a @grpc/grpc-js client over TLS and HTTP/2 to the proxy's TLS port, the
// tunnel, an agent speaking h2c to a @grpc/grpc-js server. The status travels in trailers (or,
// for an error with no messages, alone in the response head), so it tests both directions.

interface Message {
  text: string;
}
const json = (value: Message): Buffer => Buffer.from(JSON.stringify(value));
const parse = (bytes: Buffer): Message => JSON.parse(bytes.toString()) as Message;
const method = (name: string, responseStream: boolean) => ({
  path: `/harp.test.Echo/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: json,
  requestDeserialize: parse,
  responseSerialize: json,
  responseDeserialize: parse,
});
const SERVICE: grpc.ServiceDefinition = {
  echo: method('Echo', false),
  count: method('Count', true),
  missing: method('Missing', false),
  hold: method('Hold', true),
};
const EchoClient = grpc.makeGenericClientConstructor(SERVICE, 'Echo');
const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;

/** A gate the test opens when the client got a message; the server waits on it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('gRPC through the proxy', () => {
  const h = new Harness();
  let ca: TestCa;
  let leaf: IssuedCertificate;
  let firstSeen = gate();
  let sent = 0;
  let sentWhenFirstSeen = -1;
  let cancelledAtServer = false;

  beforeAll(() => {
    ca = TestCa.create();
    leaf = ca.issue(['app.test', 'localhost', '127.0.0.1']);
  });
  afterAll(() => ca.remove());
  afterEach(() => h.closeAll());
  beforeEach(() => {
    firstSeen = gate();
    sent = 0;
    sentWhenFirstSeen = -1;
    cancelledAtServer = false;
  });

  /** A gRPC server on 127.0.0.1 (plain h2c; on `port` if given), with its methods. */
  async function grpcServer(port = 0): Promise<{ url: string; server: grpc.Server }> {
    const server = new grpc.Server();
    server.addService(SERVICE, {
      echo: (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
        const initial = new grpc.Metadata();
        initial.set('x-initial', 'early');
        call.sendMetadata(initial);
        const trailing = new grpc.Metadata();
        trailing.set('x-trailing', `late-${String(call.metadata.get('x-client')[0])}`);
        callback(null, { text: `echo: ${call.request.text}` }, trailing);
      },
      count: async (call: grpc.ServerWritableStream<Message, Message>) => {
        const n = Number(call.request.text);
        call.write({ text: '1' });
        sent = 1;
        // The rest waits until the client has the first: a proxy that held the stream back
        // (buffering or caching it) would never let this call end.
        await firstSeen.opened;
        for (let i = 2; i <= n; i++) {
          call.write({ text: String(i) });
          sent = i;
        }
        call.end();
      },
      missing: (_call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
        const metadata = new grpc.Metadata();
        metadata.set('x-reason', 'nothing-here');
        callback({ code: grpc.status.NOT_FOUND, details: 'no such thing', metadata });
      },
      hold: (call: grpc.ServerWritableStream<Message, Message>) => {
        call.write({ text: 'held' });
        call.on('cancelled', () => (cancelledAtServer = true));
      },
    });
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    h.defer(() => server.forceShutdown());
    return { url: `http://127.0.0.1:${bound}`, server };
  }

  const tlsProxy = (): Promise<HarpServer> => h.proxy({ tlsCert: leaf.certFile, tlsKey: leaf.keyFile, tlsPort: 0 });

  /** A client for the proxy's TLS port that trusts the test CA and names `app.test`. */
  function client(proxy: HarpServer): grpc.Client {
    const port = new URL(proxy.tlsUrl!).port;
    const c = new EchoClient(`127.0.0.1:${port}`, grpc.credentials.createSsl(Buffer.from(ca.cert)), {
      'grpc.ssl_target_name_override': 'app.test',
      'grpc.default_authority': 'app.test',
    });
    h.defer(() => c.close());
    return c;
  }

  interface UnaryOutcome {
    error: grpc.ServiceError | null;
    response?: Message;
    metadata?: grpc.Metadata;
    status?: grpc.StatusObject;
  }

  function unary(c: grpc.Client, name: 'echo' | 'missing', text: string): Promise<UnaryOutcome> {
    return new Promise((resolve) => {
      const outcome: UnaryOutcome = { error: null };
      const metadata = new grpc.Metadata();
      metadata.set('x-client', 'c1');
      let pending = 2;
      const done = (): void => void (--pending === 0 && resolve(outcome));
      const call = (c as unknown as Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>)[name]!.call(
        c,
        { text },
        metadata,
        (error: grpc.ServiceError | null, response?: Message) => {
          outcome.error = error;
          outcome.response = response;
          done();
        },
      );
      call.on('metadata', (m: grpc.Metadata) => (outcome.metadata = m));
      call.on('status', (s: grpc.StatusObject) => {
        outcome.status = s;
        done();
      });
    });
  }

  it('carries a unary call: its response, initial metadata and trailing metadata intact', async () => {
    const { url: upstream } = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, upstream, { h2: true });
    const outcome = await unary(client(proxy), 'echo', 'hello');
    expect(outcome.error).toBeNull();
    expect(outcome.response).toEqual({ text: 'echo: hello' });
    expect(outcome.metadata?.get('x-initial')).toEqual(['early']);
    expect(outcome.status?.code).toBe(grpc.status.OK);
    expect(outcome.status?.metadata.get('x-trailing')).toEqual(['late-c1']);
  });

  it('carries a server-streaming call in order, each message as the server sends it', async () => {
    const { url: upstream } = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, upstream, { h2: true });
    const c = client(proxy);
    const received = await new Promise<{ texts: string[]; status: grpc.StatusObject }>((resolve, reject) => {
      const texts: string[] = [];
      const call = (c as unknown as { count: (m: Message) => grpc.ClientReadableStream<Message> }).count({ text: '5' });
      call.on('data', (m: Message) => {
        texts.push(m.text);
        if (texts.length === 1) {
          sentWhenFirstSeen = sent;
          firstSeen.open();
        }
      });
      call.on('error', reject);
      call.on('status', (status: grpc.StatusObject) => resolve({ texts, status }));
    });
    expect(sentWhenFirstSeen).toBe(1);
    expect(received.texts).toEqual(['1', '2', '3', '4', '5']);
    expect(received.status.code).toBe(grpc.status.OK);
  });

  it('gives the client the status of a call the server fails before any message (trailers-only)', async () => {
    const { url: upstream } = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, upstream, { h2: true });
    const outcome = await unary(client(proxy), 'missing', 'x');
    expect(outcome.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(outcome.error?.details).toBe('no such thing');
    expect(outcome.status?.metadata.get('x-reason')).toEqual(['nothing-here']);
  });

  it('cancels the call at the server when the client cancels it', async () => {
    const { url: upstream } = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, upstream, { h2: true });
    const call = (client(proxy) as unknown as { hold: (m: Message) => grpc.ClientReadableStream<Message> }).hold({ text: '' });
    call.on('error', () => undefined); // CANCELLED, as asked
    await new Promise<void>((resolve) => call.once('data', () => resolve()));
    call.cancel();
    await eventually(() => cancelledAtServer, 3000, 'the server to see the call cancelled');
  });

  it('opens a new session to a gRPC server that restarted', async () => {
    const first = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, first.url, { h2: true });
    const c = client(proxy);
    expect((await unary(c, 'echo', 'before')).response).toEqual({ text: 'echo: before' });
    first.server.forceShutdown();
    await grpcServer(Number(new URL(first.url).port));
    await eventually(async () => (await unary(c, 'echo', 'after')).response?.text === 'echo: after', 5000, 'a call to the restarted server');
  });

  it('serves a unary call through `harp http PORT --h2`', async () => {
    const { url: upstream } = await grpcServer();
    const proxy = await tlsProxy();
    const agent = await AgentProcess.start(new URL(upstream).port, proxy.url, TEST_KEY, ['--h2']);
    h.defer(() => agent.stop());
    const outcome = await unary(client(proxy), 'echo', 'from the cli');
    expect([outcome.error, outcome.response]).toEqual([null, { text: 'echo: from the cli' }]);
    expect(outcome.status?.metadata.get('x-trailing')).toEqual(['late-c1']);
  });

  // The client on node A's TLS port, the agent on node B: the call crosses the HTTP/1.1 hop.
  describeRedis('across two nodes of a cluster', () => {
    const scratch = redisScratch('grpc-cluster');

    it('carries a unary call, and a trailers-only status, through the node without the agent', async () => {
      const { url: upstream } = await grpcServer();
      const node = clusterNodes(h, scratch);
      const a = await node('node-a', { tlsCert: leaf.certFile, tlsKey: leaf.keyFile, tlsPort: 0 });
      const b = await node('node-b');
      await h.agent(b, upstream, { h2: true, routes: [{ host: 'app.test' }] });
      await untilHolders(a.url, 'app.test', '/', ['node-b']);
      const c = client(a);
      const echoed = await unary(c, 'echo', 'across');
      expect([echoed.error, echoed.response, echoed.status?.metadata.get('x-trailing')]).toEqual([null, { text: 'echo: across' }, ['late-c1']]);
      const missing = await unary(c, 'missing', 'x');
      expect([missing.error?.code, missing.error?.details]).toEqual([grpc.status.NOT_FOUND, 'no such thing']);
      expect(missing.status?.metadata.get('x-reason')).toEqual(['nothing-here']);
    });
  });
});

describe('HTTP/2 clients and HTTP/2 upstreams, field by field', () => {
  const h = new Harness();
  let ca: TestCa;
  let leaf: IssuedCertificate;
  const sessions: ClientHttp2Session[] = [];

  beforeAll(() => {
    ca = TestCa.create();
    leaf = ca.issue(['localhost', '127.0.0.1']);
  });
  afterAll(() => ca.remove());
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.destroy();
    await h.closeAll();
  });

  interface Seen {
    headers: IncomingHttpHeaders;
    trailers?: IncomingHttpHeaders;
  }

  /** A node:http2 server (h2c, or TLS with `secure`): `/only` answers with a head alone, others with a body and trailers. */
  async function h2Backend(secure = false): Promise<{ url: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    const server = secure ? createSecureServer({ cert: leaf.cert, key: leaf.key }) : createServer();
    server.on('stream', (stream, headers) => {
      const record: Seen = { headers };
      seen.push(record);
      stream.on('trailers', (t: IncomingHttpHeaders) => (record.trailers = t));
      stream.resume();
      stream.on('end', () => {
        if (headers[':path'] === '/only') return stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5' }, { endStream: true });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-checksum': 'abc' }));
        stream.end('body');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  interface Answer {
    headers: IncomingHttpHeaders;
    headEnded: boolean;
    body: string;
    trailers?: IncomingHttpHeaders;
  }

  /** A POST from an HTTP/2 client to the proxy's TLS port, with `x-sum` as a request trailer. */
  async function post(proxy: HarpServer, path: string): Promise<Answer> {
    const s = await h2Session(proxy.tlsUrl!, ca.cert);
    sessions.push(s);
    return new Promise((resolve, reject) => {
      const req = s.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' }, { waitForTrailers: true });
      req.on('wantTrailers', () => req.sendTrailers({ 'x-sum': 'req-42' }));
      let answer: Answer | undefined;
      const chunks: Buffer[] = [];
      req.on('response', (headers, flags) => (answer = { headers, headEnded: (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0, body: '' }));
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('trailers', (trailers: IncomingHttpHeaders) => answer && (answer.trailers = trailers));
      req.on('error', reject);
      req.on('close', () => (answer ? resolve({ ...answer, body: Buffer.concat(chunks).toString() }) : reject(new Error(`no answer (${req.rstCode})`))));
      req.end('hi');
    });
  }

  const tlsProxy = (): Promise<HarpServer> => h.proxy({ tlsCert: leaf.certFile, tlsKey: leaf.keyFile, tlsPort: 0 });

  it('passes the client’s request trailers up and the backend’s response trailers down, by name', async () => {
    const backend = await h2Backend();
    const proxy = await tlsProxy();
    await h.agent(proxy, backend.url, { h2: true });
    const answer = await post(proxy, '/full');
    expect([answer.headers[':status'], answer.headEnded, answer.body]).toEqual([200, false, 'body']);
    expect(answer.trailers).toMatchObject({ 'grpc-status': '0', 'x-checksum': 'abc' });
    expect(backend.seen[0]!.headers).toMatchObject({ ':method': 'POST', ':authority': expect.stringMatching(/^localhost:/), te: 'trailers' });
    expect(backend.seen[0]!.trailers).toMatchObject({ 'x-sum': 'req-42' });
  });

  it('ends the response with its head when the backend’s head ended the stream (trailers-only)', async () => {
    const backend = await h2Backend();
    const proxy = await tlsProxy();
    await h.agent(proxy, backend.url, { h2: true });
    const answer = await post(proxy, '/only');
    expect([answer.headEnded, answer.headers['grpc-status'], answer.body, answer.trailers]).toEqual([true, '5', '', undefined]);
  });

  it('gives an HTTP/2 client an HTTP/1.1 backend’s trailers by name', async () => {
    const proxy = await tlsProxy();
    const upstream = await h.upstream((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', Trailer: 'X-Checksum' });
      res.write('body');
      res.addTrailers({ 'X-Checksum': 'abc' });
      res.end();
    });
    await h.agent(proxy, upstream.url);
    const answer = await post(proxy, '/h1');
    expect([answer.body, answer.trailers?.['x-checksum'], Object.keys(answer.trailers ?? {}).includes('0')]).toEqual(['body', 'abc', false]);
  });

  it('reaches an https:// backend over TLS, h2 chosen by ALPN (`harp http URL --h2`)', async () => {
    const backend = await h2Backend(true);
    const proxy = await tlsProxy();
    // The backend's certificate is the test CA's; the agent process trusts it as Node lets any process.
    process.env.NODE_EXTRA_CA_CERTS = ca.certFile;
    const agent = await AgentProcess.start(backend.url, proxy.url, TEST_KEY, ['--h2']).finally(() => delete process.env.NODE_EXTRA_CA_CERTS);
    h.defer(() => agent.stop());
    const answer = await post(proxy, '/tls');
    expect([answer.body, answer.trailers?.['grpc-status']]).toEqual(['body', '0']);
    expect(backend.seen[0]!.headers[':scheme']).toBe('https');
  });

  it('answers 502 when the HTTP/2 backend cannot be reached; a request no backend saw goes to another agent', async () => {
    const backend = await h2Backend();
    const down = backend.url.replace(/:\d+$/, ':1');
    const proxy = await tlsProxy();
    await h.agent(proxy, down, { h2: true });
    const answer = await post(proxy, '/down');
    expect([answer.headers[':status'], answer.headers['x-harp-error']]).toEqual([502, 'upstream_error']);

    // The unreachable agent says so (upstream_unreachable): a GET it got is served by the other.
    await h.agent(proxy, backend.url, { h2: true });
    const s = await h2Session(proxy.tlsUrl!, ca.cert);
    sessions.push(s);
    for (let i = 0; i < 2; i++) {
      const got = await h2Request(s, { ':path': `/get-${i}`, ':authority': 'localhost' });
      expect([got.status, got.body.toString()]).toEqual([200, 'body']);
    }
    expect(backend.seen.map((r) => r.headers[':path'])).toEqual(['/get-0', '/get-1']);
  });
});

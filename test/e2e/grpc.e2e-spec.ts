import * as grpc from '@grpc/grpc-js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { TestCa } from '../helpers/certificates.js';
import type { IssuedCertificate } from '../helpers/certificates.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';

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
};
const EchoClient = grpc.makeGenericClientConstructor(SERVICE, 'Echo');

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
  });

  /** A gRPC server on 127.0.0.1 (plain h2c), with the three methods. */
  async function grpcServer(): Promise<string> {
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
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    h.defer(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
    return `http://127.0.0.1:${port}`;
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
    const upstream = await grpcServer();
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
    const upstream = await grpcServer();
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
    const upstream = await grpcServer();
    const proxy = await tlsProxy();
    await h.agent(proxy, upstream, { h2: true });
    const outcome = await unary(client(proxy), 'missing', 'x');
    expect(outcome.error?.code).toBe(grpc.status.NOT_FOUND);
    expect(outcome.error?.details).toBe('no such thing');
    expect(outcome.status?.metadata.get('x-reason')).toEqual(['nothing-here']);
  });

  it('serves a unary call through `harp http PORT --h2`', async () => {
    const upstream = await grpcServer();
    const proxy = await tlsProxy();
    const agent = await AgentProcess.start(new URL(upstream).port, proxy.url, TEST_KEY, ['--h2']);
    h.defer(() => agent.stop());
    const outcome = await unary(client(proxy), 'echo', 'from the cli');
    expect([outcome.error, outcome.response]).toEqual([null, { text: 'echo: from the cli' }]);
    expect(outcome.status?.metadata.get('x-trailing')).toEqual(['late-c1']);
  });
});

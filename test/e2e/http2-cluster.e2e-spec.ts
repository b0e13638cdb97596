import { createHash, randomBytes } from 'node:crypto';
import type { ClientHttp2Session } from 'node:http2';
import { Readable } from 'node:stream';
import { TestCa } from '../helpers/certificates.js';
import type { IssuedCertificate } from '../helpers/certificates.js';
import { clusterNodes, untilHolders } from '../helpers/cluster.js';
import { h2Request, h2Session } from '../helpers/h2-client.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { recordingUpstream } from '../helpers/recording-upstream.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// An HTTP/2 request to a node without the route's agent crosses the internal hop (HTTP/1.1)
// as the HTTP/1.1 request it stands for (docs/cluster.md, "Forwarding").

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describeRedis('cluster mode: a request that came over HTTP/2', () => {
  const h = new Harness();
  const scratch = redisScratch('http2-cluster');
  let ca: TestCa;
  let leaf: IssuedCertificate;
  let session: ClientHttp2Session | undefined;

  beforeAll(() => {
    ca = TestCa.create();
    leaf = ca.issue(['localhost', '127.0.0.1']);
  });
  afterAll(() => ca.remove());
  afterEach(async () => {
    session?.destroy();
    await h.closeAll();
  });

  it('reaches the backend of another node, its body of unknown length included, with Host = :authority', async () => {
    const node = clusterNodes(h, scratch);
    const edge = await node('h2-edge', { key: TEST_KEY, tlsCert: leaf.certFile, tlsKey: leaf.keyFile, tlsPort: 0 });
    const holder = await node('h2-holder', { key: TEST_KEY });
    const upstream = await recordingUpstream(h, (req, res, record) => {
      res.setHeader('Connection', 'keep-alive');
      res.end(`${record.body.length} ${sha256(record.body)}`);
    });
    await h.agent(holder, upstream.url, { routes: [{ host: 'app.test', path: '/hop' }] });
    await untilHolders(edge.url, 'app.test', '/hop', ['h2-holder']);

    session = await h2Session(edge.tlsUrl!, ca.cert);
    const upload = randomBytes(256 * 1024 + 5);
    const parts = [upload.subarray(0, 100_000), upload.subarray(100_000)];
    const got = await h2Request(session, { ':method': 'POST', ':path': '/hop/x', ':authority': 'app.test' }, Readable.from(parts));
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe(`${upload.length} ${sha256(upload)}`);
    expect(got.headers.connection).toBeUndefined();
    const [seen] = await upstream.settled(1);
    expect(seen!.headers.host).toBe('app.test');
    expect(seen!.headers['x-forwarded-proto']).toBe('https');
  });
});

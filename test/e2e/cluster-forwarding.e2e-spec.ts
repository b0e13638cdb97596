import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startAgent } from '../../src/agent/connect.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { CLUSTER_SECRET, clusterNodes, internalUrlOf, nodesSeenBy } from '../helpers/cluster.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { RawAgent } from '../helpers/raw-agent.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';
import { SseReader } from '../helpers/sse-reader.js';

// Two proxies in one process, one Redis: a request to the node without the agent is served by
// the node with it, over the internal listener (docs/cluster.md, "Forwarding").

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const KEY = 'team-a-key-0123456789';

describeRedis('cluster mode: forwarding between nodes', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-forwarding');
  afterEach(() => h.closeAll());

  const node = (nodeId: string, overrides: Partial<HarpConfigInput> = {}) => clusterNodes(h, scratch)(nodeId, { key: KEY, ...overrides });

  async function agentOn(proxy: HarpServer, host: string, handler: (req: IncomingMessage, res: ServerResponse) => void) {
    const { agent, ready } = await startAgent({ server: proxy.url, key: KEY, handler, routes: [{ host, path: '/' }], reconnect: false });
    h.defer(() => agent.close(100));
    await ready;
  }

  /** What the backend saw of each request, and its body. */
  function recorder() {
    const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        res.setHeader('x-served-by', 'b');
        res.end(req.method === 'POST' ? body : 'from b');
      });
    };
    return { seen, handler };
  }

  /** The internal URL `from` lists for the other node once it serves a route (`of`). */
  async function internalUrl(of: HarpServer, from: HarpServer): Promise<string> {
    let url: string | undefined;
    await eventually(async () => {
      url = (await nodesSeenBy(from.url)).find((n) => !n.self && n.routes.length > 0)?.url ?? undefined;
      return url !== undefined;
    }, 3000, 'the other node seen');
    void of;
    return url!;
  }

  it('serves GET and a 1 MiB POST byte for byte through the node without the agent', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const backend = recorder();
    await agentOn(b, 'shop.example', backend.handler);
    await internalUrl(b, a);

    const got = await send(`${a.url}/items?x=1`, { headers: { host: 'shop.example', 'x-request-id': 'req-fwd-1' } });
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('from b');
    expect(got.headers['x-served-by']).toBe('b');
    expect(got.headers['x-request-id']).toBe('req-fwd-1');

    const body = randomBytes(1024 * 1024);
    const posted = await send(`${a.url}/upload`, { method: 'POST', headers: { host: 'shop.example', 'content-type': 'application/octet-stream' }, body });
    expect(posted.status).toBe(200);
    expect(posted.body.equals(body)).toBe(true);

    const [get, post] = backend.seen;
    expect(get).toMatchObject({ method: 'GET', url: '/items?x=1' });
    // The forwarding fields describe the client A saw, not node A; the Host is the client's.
    expect(get!.headers).toMatchObject({ host: 'shop.example', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-host': 'shop.example', 'x-forwarded-proto': 'http', 'x-real-ip': '127.0.0.1', 'x-request-id': 'req-fwd-1' });
    expect(get!.headers.forwarded).toBe('for=127.0.0.1;host=shop.example;proto=http');
    // The hop's own fields never reach the backend.
    expect(Object.keys(get!.headers).filter((name) => name.startsWith('x-harp-'))).toEqual([]);
    expect(post!.body.equals(body)).toBe(true);
  });

  // Regression: a stopping node drained its public listener only, so a request another node had
  // forwarded to it was cut when the drain ended, and the client at the first node got an error.
  it('a node that stops finishes the requests other nodes forwarded to it', async () => {
    const a = await node('node-a');
    const b = await node('node-b', { shutdownTimeoutMs: 10_000 });
    let answer: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => {
      void agentOn(b, 'slow.test', (_req, res) => {
        answer = () => res.end('finished on b');
        resolve();
      });
    });
    await internalUrl(b, a);
    const response = send(`${a.url}/x`, { headers: { host: 'slow.test' } });
    await arrived;
    const stopped = b.close();
    // Answered after the drain would have ended without waiting for it: past the wait for agents'
    // connections to close (2.5 s), which held this request by chance.
    await sleep(3500);
    answer!();
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('finished on b');
    await stopped;
  });

  // Regression: a node whose only member of a route was lost under a forwarded request waited
  // in its own grace for a member to come back there, then answered 502; the sending node sees
  // the whole cluster, so it is the one to route the request again (a handover under load).
  it('a node whose member is lost under a forwarded request hands it back, and the sender routes it again', async () => {
    const a = await node('node-a', { key: TEST_KEY });
    const b = await node('node-b', { key: TEST_KEY, routeGraceMs: 20_000 });
    const lost = await RawAgent.connect(b.url, [{ host: 'moving.test', path: '/' }]);
    h.defer(() => lost.socket.terminate());
    await internalUrl(b, a);
    const response = send(`${a.url}/x`, { headers: { host: 'moving.test' } });
    await lost.nextRequest();
    // The route's new member is on A by now; then B loses its own before it answered.
    const { agent, ready } = await startAgent({ server: a.url, key: TEST_KEY, handler: (_req, res) => res.end('served on a'), routes: [{ host: 'moving.test', path: '/' }], reconnect: false });
    h.defer(() => agent.close(100));
    await ready;
    lost.socket.terminate();
    const res = await response;
    expect([res.status, res.body.toString()]).toEqual([200, 'served on a']);
  });

  it('refuses a request to the internal listener without the secret, or with a wrong one', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const backend = recorder();
    await agentOn(b, 'shop.example', backend.handler);
    const internal = await internalUrl(b, a);
    const origin = { host: 'shop.example', 'x-harp-forwarded-peer': '10.9.8.7', 'x-harp-forwarded-proto': 'https' };
    expect((await send(`${internal}/`, { headers: origin })).status).toBe(401);
    expect((await send(`${internal}/`, { headers: { ...origin, 'x-harp-cluster-secret': 'cluster-secret-for-tests-XXXX' } })).status).toBe(401);
    expect(backend.seen).toEqual([]);
    // With it, the declared origin is what the backend is told.
    const ok = await send(`${internal}/`, { headers: { ...origin, 'x-harp-cluster-secret': CLUSTER_SECRET } });
    expect(ok.status).toBe(200);
    expect(backend.seen[0]!.headers).toMatchObject({ 'x-forwarded-for': '10.9.8.7', 'x-forwarded-proto': 'https' });
  });

  it('a client cannot pose as a node on the public port', async () => {
    const a = await node('node-a');
    const backend = recorder();
    await agentOn(a, 'shop.example', backend.handler);
    const res = await send(`${a.url}/`, { headers: { host: 'shop.example', 'x-harp-cluster-secret': CLUSTER_SECRET, 'x-harp-forwarded-peer': '10.9.8.7' } });
    expect(res.status).toBe(200);
    expect(backend.seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(backend.seen[0]!.headers['x-harp-cluster-secret']).toBeUndefined();
  });

  it('a forwarded request that finds no member is answered there, never sent back (no loop)', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    const onA = recorder();
    await agentOn(a, 'shop.example', onA.handler);
    // B sees A's route, so B's public door would forward to A; its internal listener must not.
    await internalUrl(a, b);
    const internal = await internalUrlOf(b);
    const res = await send(`${internal}/`, {
      headers: { host: 'shop.example', 'x-harp-cluster-secret': CLUSTER_SECRET, 'x-harp-forwarded-peer': '127.0.0.1', 'x-harp-forwarded-proto': 'http' },
    });
    expect(res.status).toBe(503);
    expect(res.headers['x-harp-error']).toBe('no_backend');
    expect(onA.seen).toEqual([]);
    // The public door of B does forward it.
    expect((await send(`${b.url}/`, { headers: { host: 'shop.example' } })).status).toBe(200);
    expect(onA.seen).toHaveLength(1);
  }, 15_000);

  it('carries an event stream as it is produced', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    let second!: () => void;
    const gate = new Promise<void>((resolve) => (second = resolve));
    await agentOn(b, 'events.example', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write('event: tick\ndata: 1\n\n');
      void gate.then(() => res.end('event: tick\ndata: 2\n\n'));
    });
    await internalUrl(b, a);
    const { reader } = await SseReader.open(`${a.url}/stream`, { host: 'events.example' });
    h.defer(() => reader.close());
    // The first event arrives while the backend still holds the second back.
    expect((await reader.next('tick')).data).toBe(1);
    second();
    expect((await reader.next('tick', (d) => d === 2)).data).toBe(2);
  });

  /** Announces a node that holds `host` at a port nobody listens on: a node that just died. */
  async function ghost(host: string) {
    const state = { node: { id: 'ghost', url: 'http://127.0.0.1:1', startedAt: 1, heartbeatAt: 2, agents: 1 }, routes: [{ host, path: '/', ownerKeyId: 'default', nodeId: 'ghost', members: 1 }] };
    await scratch.raw.publish(`${scratch.prefix}directory`, JSON.stringify({ v: 1, type: 'state', state }));
  }

  async function seesGhost(proxy: HarpServer): Promise<boolean> {
    return (await nodesSeenBy(proxy.url)).some((n) => n.id === 'ghost');
  }

  it('tries another node when one fails before answering, then its own behaviour (503)', async () => {
    const a = await node('node-a', { routeGraceMs: 0 });
    const b = await node('node-b');
    const backend = recorder();
    await agentOn(b, 'shop.example', backend.handler);
    await internalUrl(b, a);
    for (let i = 0; i < 4; i++) {
      await ghost('shop.example');
      await eventually(() => seesGhost(a), 1000, 'the ghost seen');
      const res = await send(`${a.url}/`, { headers: { host: 'shop.example' } });
      expect(res.status).toBe(200);
    }
    // The ghost alone: no node can take it, and A has no member either.
    await ghost('alone.example');
    await eventually(() => seesGhost(a), 1000, 'the ghost seen');
    const res = await send(`${a.url}/`, { headers: { host: 'alone.example' } });
    expect(res.status).toBe(503);
    expect(res.headers['x-harp-error']).toBe('no_backend');
  });
});

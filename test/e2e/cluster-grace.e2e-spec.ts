import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { startAgent } from '../../src/agent/connect.js';
import type { HarpAgent } from '../../src/agent/harp-agent.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import type { HarpServer } from '../../src/server/harp-server.js';
import { clusterNodes, holdersSeenBy } from '../helpers/cluster.js';
import { eventually, sleep } from '../helpers/eventually.js';
import { Harness } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch } from '../helpers/redis.js';

// docs/cluster.md, "Route grace across nodes": a route that vanished from every node is kept for
// its grace on the node a request arrives at, and a node's own 503 no_backend is retried on the
// next node. Two proxies in one process, one Redis, and a fake node announced by hand.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const KEY = 'team-a-key-0123456789';

describeRedis('cluster mode: the route grace across nodes', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-grace');
  afterEach(() => h.closeAll());

  const node = (nodeId: string, overrides: Partial<HarpConfigInput> = {}) => clusterNodes(h, scratch)(nodeId, { key: KEY, ...overrides });

  async function agentOn(proxy: HarpServer, name: string): Promise<HarpAgent> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => res.end(`from ${name}`));
    };
    const { agent, ready } = await startAgent({ server: proxy.url, key: KEY, handler, routes: [{ host: 'shop.example', path: '/' }], reconnect: false });
    h.defer(() => agent.close(100));
    await ready;
    return agent;
  }

  /** The ids of the nodes `proxy` lists serving shop.example. */
  const holders = (proxy: HarpServer): Promise<string[]> => holdersSeenBy(proxy.url, 'shop.example', '/');

  /** A request to shop.example through `proxy`, and whether it has been answered yet. */
  function pending(proxy: HarpServer) {
    const state = { settled: false };
    const answer = send(`${proxy.url}/`, { headers: { host: 'shop.example' } }).finally(() => (state.settled = true));
    return { answer, state };
  }

  /** A and B, the agent on B, and A seeing it; then the agent leaves: B no longer lists the route. */
  async function vacated(overrides: Partial<HarpConfigInput> = {}) {
    const a = await node('node-a', overrides);
    const b = await node('node-b');
    const agent = await agentOn(b, 'b');
    await eventually(async () => (await holders(a)).join() === 'node-b', 3000, 'A to see the route on B');
    await agent.close(100);
    await eventually(async () => (await holders(a)).length === 0, 3000, 'the route to leave A\'s directory');
    return { a, b };
  }

  it('holds a request for a route no node serves any more, and forwards it when the route comes back', async () => {
    const { a, b } = await vacated();
    const request = pending(a);
    await sleep(300);
    expect(request.state.settled).toBe(false);
    await agentOn(b, 'b again');
    const res = await request.answer;
    expect([res.status, res.body.toString()]).toEqual([200, 'from b again']);
  });

  it('serves a held request from a member that registers on the node holding it', async () => {
    const { a } = await vacated();
    const request = pending(a);
    await sleep(300);
    expect(request.state.settled).toBe(false);
    await agentOn(a, 'a');
    const res = await request.answer;
    expect([res.status, res.body.toString()]).toEqual([200, 'from a']);
  });

  it('answers 503 no_backend with Retry-After when the grace ends without the route', async () => {
    const { a } = await vacated({ routeGraceMs: 800 });
    const request = pending(a);
    await sleep(300);
    expect(request.state.settled).toBe(false);
    const res = await request.answer;
    expect([res.status, res.headers['x-harp-error'], res.headers['retry-after']]).toEqual([503, 'no_backend', '1']);
  });

  /** Announces a node named `id` at `url` that serves shop.example. */
  const announce = (id: string, url: string) => {
    const state = { node: { id, url, startedAt: 1, heartbeatAt: 2, agents: 1 }, routes: [{ host: 'shop.example', path: '/', ownerKeyId: 'default', nodeId: id, members: 1 }] };
    return scratch.raw.publish(`${scratch.prefix}directory`, JSON.stringify({ v: 1, type: 'state', state }));
  };

  it('skips a node whose connection failed until it is heard from again', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(b, 'b');
    // A node that is going down: it takes each connection and drops it at once.
    let connections = 0;
    const dying = createTcpServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise((resolve) => dying.close(resolve)));
    const url = `http://127.0.0.1:${(dying.address() as AddressInfo).port}`;
    const bothSeen = async () => (await holders(a)).join() === 'dying,node-b';
    for (let i = 0; i < 40 && connections === 0; i++) {
      await announce('dying', url);
      await eventually(bothSeen, 1000, 'A to see both nodes');
      expect((await send(`${a.url}/`, { headers: { host: 'shop.example' } })).status).toBe(200);
    }
    expect(connections).toBe(1);
    for (let i = 0; i < 5; i++) expect((await send(`${a.url}/`, { headers: { host: 'shop.example' } })).status).toBe(200);
    expect(connections).toBe(1);
    // Heard from again: tried again.
    for (let i = 0; i < 40 && connections === 1; i++) {
      await announce('dying', url);
      await eventually(bothSeen, 1000, 'A to see both nodes');
      expect((await send(`${a.url}/`, { headers: { host: 'shop.example' } })).status).toBe(200);
    }
    expect(connections).toBe(2);
  });

  /**
   * A node whose internal listener answers every request with its own 503 no_backend: it has no
   * member (`vacant`), or all of them are at their limit (`busy`); or, without saying why, a
   * 503 no_backend its application sent (`app`).
   */
  async function emptyNode(why: 'vacant' | 'busy' | 'app' = 'vacant') {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      const reason = why === 'app' ? {} : { 'x-harp-no-member': why };
      res.writeHead(503, { 'x-harp-error': 'no_backend', ...reason, 'content-type': 'text/plain' }).end('503 no member\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise((resolve) => server.close(resolve)));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { seen, announce: () => announce('empty', url) };
  }

  it('tries the next node after a node\'s own 503 no_backend, for a request without a body only', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(b, 'b');
    const empty = await emptyNode();
    const bothSeen = async () => (await holders(a)).join() === 'empty,node-b';
    // Until a GET has gone to the empty node first (the nodes are tried from a random one on).
    for (let i = 0; i < 40 && empty.seen.length === 0; i++) {
      await empty.announce();
      await eventually(bothSeen, 1000, 'A to see both nodes');
      const res = await send(`${a.url}/get`, { headers: { host: 'shop.example' } });
      expect([res.status, res.body.toString()]).toEqual([200, 'from b']);
    }
    expect(empty.seen).toEqual(['GET /get']);
    // Skipped from then on, until it is heard from again.
    for (let i = 0; i < 5; i++) expect((await send(`${a.url}/again`, { headers: { host: 'shop.example' } })).status).toBe(200);
    expect(empty.seen).toEqual(['GET /get']);

    // A body has started towards the node: its answer is passed on.
    let refused: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      await empty.announce();
      await eventually(bothSeen, 1000, 'A to see both nodes');
      const res = await send(`${a.url}/post`, { method: 'POST', headers: { host: 'shop.example' }, body: Buffer.from('order') });
      if (res.status !== 200) refused = res;
    }
    // The hop's own field stays on the hop.
    expect([refused?.status, refused?.headers['x-harp-error'], refused?.headers['x-harp-no-member']]).toEqual([503, 'no_backend', undefined]);
    expect(empty.seen).toContain('POST /post');
  });

  it('tries the next node when one has only busy members, but does not skip it afterwards', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(b, 'b');
    const busy = await emptyNode('busy');
    await busy.announce();
    await eventually(async () => (await holders(a)).join() === 'empty,node-b', 1000, 'A to see both nodes');
    // Each request goes to the busy node first half of the time, and then to B.
    for (let i = 0; i < 40 && busy.seen.length < 2; i++) {
      if (i % 5 === 0) await busy.announce();
      expect((await send(`${a.url}/`, { headers: { host: 'shop.example' } })).status).toBe(200);
    }
    expect(busy.seen.length).toBeGreaterThanOrEqual(2);
  });

  it('passes on any other answer, a 503 no_backend that does not say why included', async () => {
    const a = await node('node-a');
    const b = await node('node-b');
    await agentOn(b, 'b');
    const app = await emptyNode('app');
    let passedOn: Awaited<ReturnType<typeof send>> | undefined;
    for (let i = 0; i < 40 && !passedOn; i++) {
      await app.announce();
      await eventually(async () => (await holders(a)).join() === 'empty,node-b', 1000, 'A to see both nodes');
      const res = await send(`${a.url}/`, { headers: { host: 'shop.example' } });
      if (res.status !== 200) passedOn = res;
    }
    expect([passedOn?.status, passedOn?.headers['x-harp-error']]).toEqual([503, 'no_backend']);
    expect(app.seen).toHaveLength(1);
  });
});

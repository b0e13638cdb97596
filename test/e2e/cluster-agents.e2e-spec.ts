import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocket } from 'ws';
import { startAgent } from '../../src/agent/connect.js';
import type { ConnectOptions } from '../../src/agent/agent-options.js';
import type { HarpConfigInput } from '../../src/config/index.js';
import { decodeFrame, encodeControl, FrameType, SUBPROTOCOL } from '../../src/protocol/index.js';
import { startHarpServer } from '../../src/server/harp-server.js';
import { eventually } from '../helpers/eventually.js';
import { Harness, TEST_KEY } from '../helpers/harness.js';
import { send } from '../helpers/http-client.js';
import { redisAvailableOrFail, redisScratch, TEST_REDIS_URL } from '../helpers/redis.js';

// Agents with several connections to a cluster (docs/cluster.md, "Agents"): the node id in
// `welcome`, one connection per node behind one name, and one per node however many URLs reach
// it. The two nodes listen on one port of two loopback addresses (127.0.0.2 is loopback on
// Linux); the agent's lookup lists both for a name no resolver knows.

const describeRedis = (await redisAvailableOrFail()) ? describe : describe.skip;
const SECRET = 'cluster-secret-for-tests-0123';
const NAME = 'harp-cluster.test';

interface NodesBody {
  nodes: Array<{ id: string; self: boolean; routes: Array<{ host: string; path: string; members: number }> }>;
}

/** The welcome a proxy at `url` answers a hello with. */
async function welcomeFrom(url: string): Promise<Record<string, unknown>> {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/_harp/connect`, SUBPROTOCOL, { perMessageDeflate: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const welcome = new Promise<Record<string, unknown>>((resolve) =>
      socket.on('message', (data: Buffer) => {
        const frame = decodeFrame(data);
        if (frame.type === FrameType.Control) resolve(frame.message as Record<string, unknown>);
      }),
    );
    socket.send(encodeControl({ type: 'hello', protocol: 1, key: TEST_KEY }));
    return await welcome;
  } finally {
    socket.terminate();
  }
}

describe('welcome outside cluster mode', () => {
  const h = new Harness();
  afterEach(() => h.closeAll());

  it('names no node', async () => {
    const proxy = await h.proxy({ nodeId: 'solo-1' });
    const welcome = await welcomeFrom(proxy.url);
    expect(welcome).toMatchObject({ type: 'welcome' });
    expect(welcome).not.toHaveProperty('nodeId');
  });
});

describeRedis('agents on a cluster', () => {
  const h = new Harness();
  const scratch = redisScratch('cluster-agents');
  afterEach(() => h.closeAll());

  /** A node on `host` (and `port`, 0 for any), which a test may close itself. */
  async function node(nodeId: string, host = '127.0.0.1', port = 0, overrides: Partial<HarpConfigInput> = {}) {
    const server = await startHarpServer({
      env: {},
      overrides: { host, port, key: TEST_KEY, clusterSecret: SECRET, redisUrl: TEST_REDIS_URL, redisPrefix: scratch.prefix, nodeId, clusterHeartbeatMs: 100, ...overrides },
      logger: false,
    });
    let closed: Promise<void> | undefined;
    const close = (): Promise<void> => (closed ??= server.close());
    h.defer(close);
    return { server, url: `http://${host}:${server.port}`, close };
  }

  /** Both nodes of one name: 127.0.0.1 and 127.0.0.2 on one port. */
  async function twoNodesOnOnePort() {
    const a = await node('node-a', '127.0.0.1');
    const b = await node('node-b', '127.0.0.2', a.server.port);
    return { a, b, port: a.server.port };
  }

  const lookupListing = (...addresses: string[]): ConnectOptions['lookup'] => async (hostname) => {
    if (hostname !== NAME) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: 4 }));
  };

  async function agentOn(server: ConnectOptions['server'], handler: (req: IncomingMessage, res: ServerResponse) => void, more: Partial<ConnectOptions> = {}) {
    const { agent, ready } = await startAgent({
      server,
      key: TEST_KEY,
      handler,
      routes: [{ host: 'shop.example', path: '/' }],
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
      ...more,
    });
    h.defer(() => agent.close(100));
    await ready;
    return agent;
  }

  async function nodes(url: string): Promise<NodesBody> {
    const res = await send(`${url}/_harp/api/nodes`);
    expect(res.status).toBe(200);
    return JSON.parse(res.body.toString()) as NodesBody;
  }

  /** The members of shop.example/ on each node, as `url` lists them. */
  async function members(url: string): Promise<Record<string, number>> {
    const listed: Record<string, number> = {};
    for (const n of (await nodes(url)).nodes) {
      const route = n.routes.find((r) => r.host === 'shop.example');
      if (route) listed[n.id] = route.members;
    }
    return listed;
  }

  it('welcome names the node', async () => {
    const a = await node('node-a');
    expect(await welcomeFrom(a.url)).toMatchObject({ type: 'welcome', nodeId: 'node-a' });
  });

  it('an agent given one name of two nodes registers on both, and keeps its route when one goes', async () => {
    const { a, b, port } = await twoNodesOnOnePort();
    await agentOn(`ws://${NAME}:${port}`, (req, res) => res.end(`served ${req.url}`), { lookup: lookupListing('127.0.0.1', '127.0.0.2') });

    await eventually(async () => JSON.stringify(await members(a.url)) === JSON.stringify({ 'node-a': 1, 'node-b': 1 }), 5000, 'one member on each node');
    expect(await members(b.url)).toEqual({ 'node-b': 1, 'node-a': 1 });
    for (const url of [a.url, b.url]) {
      const res = await send(`${url}/x`, { headers: { host: 'shop.example' } });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('served /x');
    }

    await a.close();
    const res = await send(`${b.url}/after`, { headers: { host: 'shop.example' } });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('served /after');
    await eventually(async () => JSON.stringify(await members(b.url)) === JSON.stringify({ 'node-b': 1 }), 5000, 'node-a gone from node-b');
  });

  it('two URLs that reach one node give one registered connection there', async () => {
    const a = await node('node-a');
    const duplicates: string[] = [];
    const agent = await agentOn([`ws://${NAME}:${a.server.port}`, `ws://127.0.0.1:${a.server.port}`], (_req, res) => res.end('ok'), {
      lookup: lookupListing('127.0.0.1'),
    });
    agent.on('connectionError', (err, server) => {
      if (/already connected to proxy node node-a/.test(err.message)) duplicates.push(server);
    });
    // The second connection is closed before it registers, and again at each retry.
    await eventually(() => duplicates.length >= 2, 5000, 'the duplicate turned away twice');
    expect(await members(a.url)).toEqual({ 'node-a': 1 });
  });
});

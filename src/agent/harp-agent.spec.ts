import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { WebSocketServer } from 'ws';
import { decodeFrame, encodeControl, FrameType } from '../protocol/index.js';
import { HarpAgent } from './harp-agent.js';
import type { AgentReady } from './harp-agent.js';

// The nodeId rule and the connections per address, against stand-in proxies: what the agent
// does with a welcome is only observable from the proxy's side of the socket. Stand-ins for the
// nodes behind one name listen on one port of several loopback addresses (127.0.0.2, … are
// loopback on Linux), and the agent is given a lookup that lists them.

interface FakeProxy {
  url: string;
  port: number;
  hellos: number;
  /** The Host field of each connection's upgrade request. */
  hosts: string[];
  registers: number;
  closes: number[];
  close: () => Promise<void>;
}

/**
 * Answers hello with a welcome naming `nodeId` (if any) and accepts every register; `after`
 * sends whatever a test wants once a register is answered.
 */
async function fakeProxy(
  nodeId: string | undefined,
  at: { host?: string; port?: number; after?: (send: (message: object) => void) => void } = {},
): Promise<FakeProxy> {
  const host = at.host ?? '127.0.0.1';
  const server = new WebSocketServer({ port: at.port ?? 0, host });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeProxy = {
    url: `ws://${host}:${port}`,
    port,
    hosts: [],
    hellos: 0,
    registers: 0,
    closes: [],
    close: () => new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
  };
  server.on('connection', (socket, req) => {
    fake.hosts.push(req.headers.host ?? '');
    socket.on('close', (code) => fake.closes.push(code));
    socket.on('message', (data: Buffer) => {
      const frame = decodeFrame(data);
      if (frame.type !== FrameType.Control) return;
      const message = frame.message as { type: string; id?: number; routes?: unknown[] };
      if (message.type === 'hello') {
        fake.hellos++;
        const welcome = { type: 'welcome', agentId: `a${fake.hellos}`, heartbeatMs: 60_000, windowBytes: 65536, maxFrameBytes: 16384, maxStreams: 10 };
        socket.send(encodeControl(nodeId === undefined ? welcome : { ...welcome, nodeId }));
      } else if (message.type === 'register') {
        fake.registers++;
        socket.send(encodeControl({ type: 'registered', id: message.id, accepted: message.routes, rejected: [] }));
        at.after?.((m) => socket.send(encodeControl(m)));
      } else if (message.type === 'drain') {
        socket.send(encodeControl({ type: 'draining' }));
      }
    });
  });
  return fake;
}

const noUpstream = { close: async () => undefined } as unknown as ConstructorParameters<typeof HarpAgent>[1];

describe('HarpAgent with several proxies', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function agentOn(
    proxies: Array<FakeProxy | string>,
    more: Partial<ConstructorParameters<typeof HarpAgent>[0]> = {},
  ): Promise<{ agent: HarpAgent; errors: string[] }> {
    const agent = new HarpAgent(
      {
        server: proxies.map((p) => (typeof p === 'string' ? p : p.url)),
        key: 'k',
        upstream: 'http://127.0.0.1:1',
        reconnect: { initialDelayMs: 50, maxDelayMs: 50 },
        ...more,
      },
      noUpstream,
    );
    const errors: string[] = [];
    agent.on('connectionError', (err, server) => errors.push(`${server}: ${err.message}`));
    cleanups.push(() => agent.close(100));
    agent.start();
    return { agent, errors };
  }

  async function proxies(...nodeIds: Array<string | undefined>): Promise<FakeProxy[]> {
    const started = await Promise.all(nodeIds.map((id) => fakeProxy(id)));
    for (const fake of started) cleanups.push(fake.close);
    return started;
  }

  /** Stand-ins on 127.0.0.1, 127.0.0.2, … and one port, one per node id given. */
  async function nodesOnOnePort(...nodeIds: string[]): Promise<FakeProxy[]> {
    const first = await fakeProxy(nodeIds[0], { host: '127.0.0.1' });
    cleanups.push(first.close);
    const started = [first];
    for (const [i, id] of nodeIds.slice(1).entries()) {
      const fake = await fakeProxy(id, { host: `127.0.0.${i + 2}`, port: first.port });
      cleanups.push(fake.close);
      started.push(fake);
    }
    return started;
  }

  /** A lookup answering `addresses()` for proxy.test, counting its calls. */
  function lookupOf(addresses: () => string[]) {
    const calls: string[] = [];
    const lookup = async (hostname: string) => {
      calls.push(hostname);
      if (hostname !== 'proxy.test') throw Object.assign(new Error(`no ${hostname}`), { code: 'ENOTFOUND' });
      return addresses().map((address) => ({ address, family: 4 }));
    };
    return { lookup, calls };
  }

  const until = async (check: () => boolean): Promise<void> => {
    const deadline = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met within 3000 ms');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('is registered while any proxy has its routes', async () => {
    const [a, b] = await proxies('node-a', 'node-b');
    const { agent } = await agentOn([a!, b!]);
    expect(agent.registered).toBe(false);
    await until(() => a!.registers === 1 && b!.registers === 1);
    await until(() => agent.registered);

    await a!.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(agent.registered).toBe(true);
    await b!.close();
    await until(() => !agent.registered);
  });

  it('registers on every proxy node', async () => {
    const [a, b] = await proxies('node-a', 'node-b');
    await agentOn([a!, b!]);
    await until(() => a!.registers === 1 && b!.registers === 1);
  });

  it('closes, before it registers, a connection that reaches a node another one holds, and tries it again later', async () => {
    const [a, b] = await proxies('node-1', 'node-1');
    const { errors } = await agentOn([a!, b!]);
    // Whichever answered second is the duplicate; it is tried again with backoff.
    await until(() => a!.registers + b!.registers === 1 && a!.hellos + b!.hellos >= 4);
    const [kept, dropped] = a!.registers === 1 ? [a!, b!] : [b!, a!];
    expect(kept.registers).toBe(1);
    expect(dropped.registers).toBe(0);
    expect(dropped.closes.length).toBeGreaterThanOrEqual(2);
    expect(dropped.closes.every((code) => code === 1000)).toBe(true);
    expect(errors).toContain(`${dropped.url}: already connected to proxy node node-1`);
  });

  it('takes a welcome without nodeId for a node of its own', async () => {
    const [a, b] = await proxies(undefined, undefined);
    await agentOn([a!, b!]);
    await until(() => a!.registers === 1 && b!.registers === 1);
  });

  it('holds one connection per address of a name that resolves to several, each with the name as Host', async () => {
    const [a, b] = await nodesOnOnePort('node-a', 'node-b');
    const { lookup } = lookupOf(() => ['127.0.0.1', '127.0.0.2']);
    const registered: Array<string | undefined> = [];
    const { agent } = await agentOn([`ws://proxy.test:${a!.port}`], { lookup });
    agent.on('registered', (info) => registered.push(info.address));
    await until(() => a!.registers === 1 && b!.registers === 1);
    expect(a!.hosts).toEqual([`proxy.test:${a!.port}`]);
    expect(b!.hosts).toEqual([`proxy.test:${a!.port}`]);
    expect(registered.sort()).toEqual(['127.0.0.1', '127.0.0.2']);
  });

  it('over TLS, sends each address the name as its server name', async () => {
    // Stand-ins that only record the ClientHello's server name (they have no certificate).
    const seen: Record<string, string[]> = { '127.0.0.1': [], '127.0.0.2': [] };
    let port = 0;
    for (const host of Object.keys(seen)) {
      const server = createTlsServer({ SNICallback: (name, done) => (seen[host]!.push(name), done(new Error('no certificate'))) });
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      port = (server.address() as AddressInfo).port;
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    }
    const { lookup } = lookupOf(() => ['127.0.0.1', '127.0.0.2']);
    await agentOn([`wss://proxy.test:${port}`], { lookup });
    await until(() => seen['127.0.0.1']!.length > 0 && seen['127.0.0.2']!.length > 0);
    expect(new Set([...seen['127.0.0.1']!, ...seen['127.0.0.2']!])).toEqual(new Set(['proxy.test']));
  });

  it('registers once on a node that two addresses of the name reach', async () => {
    const [a, b] = await nodesOnOnePort('node-1', 'node-1');
    const { lookup } = lookupOf(() => ['127.0.0.1', '127.0.0.2']);
    await agentOn([`ws://proxy.test:${a!.port}`], { lookup });
    await until(() => a!.registers + b!.registers === 1 && a!.hellos + b!.hellos >= 3);
    expect(a!.registers + b!.registers).toBe(1);
  });

  it('looks the name up again when a connection is lost: a gone address is let go, a new one connected', async () => {
    const [a, b, c] = await nodesOnOnePort('node-a', 'node-b', 'node-c');
    let listed = ['127.0.0.1', '127.0.0.2'];
    const { lookup } = lookupOf(() => listed);
    const { agent } = await agentOn([`ws://proxy.test:${a!.port}`], { lookup });
    await until(() => a!.registers === 1 && b!.registers === 1);
    expect(c!.hellos).toBe(0);

    listed = ['127.0.0.1', '127.0.0.3'];
    const helloesToB = b!.hellos;
    await b!.close();
    await until(() => c!.registers === 1);
    // Node b left the name: it is not tried again. Node a kept its one connection.
    expect(b!.hellos).toBe(helloesToB);
    expect(a!.registers).toBe(1);
    expect(agent.servers).toEqual([`ws://proxy.test:${a!.port}`]);
  });

  it('dials a name with one address by name, through the lookup, as one connection', async () => {
    const [a] = await proxies('node-a');
    const { lookup, calls } = lookupOf(() => ['127.0.0.1']);
    const registered: AgentReady[] = [];
    const { agent } = await agentOn([`ws://proxy.test:${a!.port}`], { lookup });
    agent.on('registered', (info) => registered.push(info));
    await until(() => a!.registers === 1);
    expect(registered).toEqual([expect.objectContaining({ server: `ws://proxy.test:${a!.port}` })]);
    expect(registered[0]).not.toHaveProperty('address');
    // Once to count the addresses, once more by the connection itself.
    expect(calls.length).toBeGreaterThanOrEqual(2);
  });

  it('does not look up an IP literal', async () => {
    const [a] = await proxies('node-a');
    const { lookup, calls } = lookupOf(() => ['127.0.0.1']);
    await agentOn([a!], { lookup });
    await until(() => a!.registers === 1);
    expect(calls).toEqual([]);
  });

  it('reports routes a proxy withdraws after accepting them', async () => {
    const withdrawnRoute = { host: '*', path: '/', code: 'route_owned', reason: '*/ is registered by another key in the cluster' };
    const a = await fakeProxy('node-a', { after: (send) => send({ type: 'withdrawn', routes: [withdrawnRoute] }) });
    cleanups.push(a.close);
    const { agent } = await agentOn([a]);
    const withdrawn = await new Promise((resolve) => agent.once('withdrawn', resolve));
    expect(withdrawn).toEqual({ routes: [withdrawnRoute], server: a.url });
    // A route taken back is no protocol error: the connection stays.
    expect(a.closes).toEqual([]);
  });

  it('refuses an empty or repeated list of servers', () => {
    expect(() => new HarpAgent({ server: [], key: 'k', upstream: 'http://x' }, noUpstream)).toThrow(/at least one proxy/);
    expect(() => new HarpAgent({ server: ['ws://p:1', 'http://p:1/'], key: 'k', upstream: 'http://x' }, noUpstream)).toThrow(
      /lists http:\/\/p:1\/ twice/,
    );
  });
});

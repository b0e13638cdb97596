import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { decodeFrame, encodeControl, FrameType } from '../protocol/index.js';
import { HarpAgent } from './harp-agent.js';

// The nodeId rule against stand-in proxies: the real proxy sends no nodeId yet, and what the
// agent does with one is only observable from the proxy's side of the socket.

interface FakeProxy {
  url: string;
  hellos: number;
  registers: number;
  closes: number[];
  close: () => Promise<void>;
}

/** Answers hello with a welcome naming `nodeId` (if any) and accepts every register. */
async function fakeProxy(nodeId: string | undefined): Promise<FakeProxy> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const fake: FakeProxy = {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hellos: 0,
    registers: 0,
    closes: [],
    close: () => new Promise<void>((resolve) => {
      for (const client of server.clients) client.terminate();
      server.close(() => resolve());
    }),
  };
  server.on('connection', (socket) => {
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

  async function agentOn(proxies: FakeProxy[]): Promise<{ agent: HarpAgent; errors: string[] }> {
    const agent = new HarpAgent(
      { server: proxies.map((p) => p.url), key: 'k', upstream: 'http://127.0.0.1:1', reconnect: { initialDelayMs: 50, maxDelayMs: 50 } },
      noUpstream,
    );
    const errors: string[] = [];
    agent.on('connectionError', (err, server) => errors.push(`${server}: ${err.message}`));
    cleanups.push(() => agent.close(100));
    agent.start();
    return { agent, errors };
  }

  async function proxies(...nodeIds: Array<string | undefined>): Promise<FakeProxy[]> {
    const started = await Promise.all(nodeIds.map(fakeProxy));
    for (const fake of started) cleanups.push(fake.close);
    return started;
  }

  const until = async (check: () => boolean): Promise<void> => {
    const deadline = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('condition not met within 3000 ms');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

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

  it('refuses an empty or repeated list of servers', () => {
    expect(() => new HarpAgent({ server: [], key: 'k', upstream: 'http://x' }, noUpstream)).toThrow(/at least one proxy/);
    expect(() => new HarpAgent({ server: ['ws://p:1', 'http://p:1/'], key: 'k', upstream: 'http://x' }, noUpstream)).toThrow(
      /lists http:\/\/p:1\/ twice/,
    );
  });
});

import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { joinSockets } from './socket-join.js';

// Two real TCP connections, joined in the middle as the cluster's upgrade relay joins a client's
// connection (a server socket, half-open allowed, as Node's HTTP server makes them) to the hop's
// (a client socket). `outer` is the client at one end, `far` the node at the other.
describe('joinSockets', () => {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  /** A connection: the side that dialled, and the server's side of it. */
  async function connection(): Promise<{ dialled: Socket; accepted: Socket }> {
    const server = createServer({ allowHalfOpen: true });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const dialled = connect((server.address() as { port: number }).port, '127.0.0.1');
    return { dialled, accepted: (await accepted)[0] };
  }

  async function joined() {
    const client = await connection();
    const hop = await connection();
    let closed = 0;
    joinSockets(client.accepted, hop.dialled, () => closed++);
    return { outer: client.dialled, far: hop.accepted, middle: [client.accepted, hop.dialled], closedCount: () => closed };
  }

  const read = async (socket: Socket): Promise<string> => ((await once(socket, 'data')) as [Buffer])[0].toString();

  it('carries bytes both ways', async () => {
    const { outer, far } = await joined();
    outer.write('ping');
    expect(await read(far)).toBe('ping');
    far.write('pong');
    expect(await read(outer)).toBe('pong');
    outer.destroy();
    far.destroy();
  });

  it('passes an end on as a half-close, so that the other side can still answer; both close once both ended', async () => {
    const { outer, far, middle, closedCount } = await joined();
    const middleClosed = Promise.all(middle.map((socket) => once(socket, 'close')));
    const farEnded = once(far, 'end');
    outer.end();
    await farEnded;
    far.write('after your end');
    expect(await read(outer)).toBe('after your end');
    const outerClosed = once(outer, 'close');
    far.end();
    await outerClosed;
    await middleClosed;
    expect(closedCount()).toBe(1);
    far.destroy();
  });

  it('cuts the other side with a reset when one is cut', async () => {
    const { outer, far } = await joined();
    outer.write('x');
    await read(far);
    const farFailed = once(far, 'error') as Promise<[NodeJS.ErrnoException]>;
    outer.resetAndDestroy();
    const [err] = await farFailed;
    expect(err.code).toBe('ECONNRESET');
  });
});

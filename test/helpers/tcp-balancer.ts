import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One target of a {@link tcpBalancer}: where it sends connections. */
export interface BalancerTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * A layer-4 load balancer in front of several proxies, as operators put one in front of a
 * cluster: each new connection goes to the next target in turn (round robin from the first),
 * and a target that refuses the connection is skipped for the one after it. Bytes are relayed
 * as they are; a connection ends on both sides when either side ends it. `landed` lists, in
 * order, the target each accepted connection went to.
 */
export async function tcpBalancer(targets: readonly BalancerTarget[]) {
  const sockets = new Set<Socket>();
  const landed: BalancerTarget[] = [];
  let next = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    // Held until a target accepts, so that no byte is lost on a refused one.
    client.pause();
    const tryTarget = (left: number): void => {
      if (left === 0 || client.destroyed) return void client.destroy();
      const target = targets[next++ % targets.length]!;
      const upstream = connect(target.port, target.host);
      let connected = false;
      // Before the connection is made: refused, the next target. After: `close` ends the client.
      upstream.on('error', () => {
        if (!connected) tryTarget(left - 1);
      });
      upstream.once('connect', () => {
        connected = true;
        track(upstream);
        landed.push(target);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
    };
    tryTarget(targets.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    landed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AbstractHttpAdapter } from '@nestjs/core';

/** How the agent hands this application a request or a WebSocket upgrade (`connect({ handler, upgrade })`). */
export interface AppDoor {
  handler(req: IncomingMessage, res: ServerResponse): void;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * The application's own `http.Server` as the agent's handler. Every Nest HTTP adapter creates
 * that server when the application is created, listening or not: Express and Fastify attach
 * their request handler to it as a `'request'` listener, and `@nestjs/platform-ws` attaches its
 * gateways' `'upgrade'` listener. Emitting those events on it runs the application exactly as a
 * request on its port would, whatever the adapter, without opening the port.
 *
 * Fastify builds its router (routes, hooks, the 404 handler) only in `ready()`, which `listen()`
 * would call: without a port, it is called here.
 */
export async function appDoor(adapter: AbstractHttpAdapter | undefined): Promise<AppDoor> {
  const server = adapter?.getHttpServer() as Server | undefined;
  if (!adapter || typeof server?.emit !== 'function') {
    throw new TypeError('HarpBackendModule needs an HTTP application (NestFactory.create), not an application context');
  }
  if (adapter.getType() === 'fastify') await (adapter.getInstance() as { ready(): PromiseLike<unknown> }).ready();
  return {
    handler: (req, res) => server.emit('request', req, res),
    upgrade: (req, socket, head) => {
      // A server with no 'upgrade' listener closes the connection (node:http does the same).
      if (!server.emit('upgrade', req, socket, head)) socket.destroy();
    },
  };
}

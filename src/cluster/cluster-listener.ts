import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  CLUSTER_SECRET_HEADER,
  declaredOrigin,
  HOP_LISTENER_KEEP_ALIVE_MS,
  NO_MEMBER_HEADER,
  stripHopFields,
  type LocalDoor,
  type LocalUpgradeDoor,
} from '../http/cluster-hop.js';

export { CLUSTER_SECRET_HEADER };

/**
 * The internal listener of cluster mode (`clusterHost`:`clusterPort`), where other nodes forward
 * the requests this node has a member for (docs/cluster.md, "Forwarding"). It proves the secret
 * (401 without it), reads the origin the sending node declares, removes the hop's fields and
 * hands the request to the proxy in its local-only mode: served by this node's members or
 * answered here, never sent on. Upgrades (WebSockets) are checked the same way and go to their
 * own door; a refused one is answered on the raw connection, which is then closed.
 */
export class ClusterListener {
  readonly #server: Server;
  readonly #secret: Buffer;
  /** The proxy's door for forwarded requests; set once the proxy exists. */
  door: LocalDoor | undefined;
  /** The proxy's door for forwarded upgrades; set once the proxy exists. */
  upgradeDoor: LocalUpgradeDoor | undefined;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret);
    this.#server = createServer((req, res) => this.handle(req, res));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.handleUpgrade(req, socket, head));
    this.#server.keepAliveTimeout = HOP_LISTENER_KEEP_ALIVE_MS;
  }

  /**
   * Binds and resolves with the port bound. Exclusive: in a worker of `harp serve --workers N`,
   * node:cluster would otherwise hand every worker the primary's one shared socket (even for
   * port 0), and a request meant for this node could reach another.
   */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ port, host, exclusive: true }, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /**
   * The node:http server, for the shutdown to drain with the public ones: requests other nodes
   * forwarded here are in flight on this node as much as its own (docs/cluster.md, "Failure modes").
   */
  get server(): Server {
    return this.#server;
  }

  /** Closes the listener and whatever connections are left (the drain has waited for them). */
  close(): Promise<void> {
    this.#server.closeAllConnections();
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.#authentic(req.headers[CLUSTER_SECRET_HEADER])) {
      req.resume();
      res.writeHead(401, { 'content-type': 'text/plain' }).end('cluster secret required\n');
      return;
    }
    const origin = declaredOrigin(req);
    if (!origin) {
      req.resume();
      res.writeHead(400, { 'content-type': 'text/plain' }).end('forwarded request without its origin\n');
      return;
    }
    if (!this.door) {
      // Between the listener's start and the proxy's: the sending node tries another or its own.
      req.resume();
      res.writeHead(503, { 'content-type': 'text/plain', 'x-harp-error': 'no_backend', [NO_MEMBER_HEADER]: 'vacant' }).end('node starting\n');
      return;
    }
    stripHopFields(req);
    this.door(req, res, origin);
  }

  protected handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Nothing but the head has been read: a refusal is written as it is and the connection closed.
    const refuse = (status: string, text: string, fields = ''): void => {
      socket.on('error', () => undefined);
      socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n${fields}Connection: close\r\n\r\n${text}`);
    };
    if (!this.#authentic(req.headers[CLUSTER_SECRET_HEADER])) return refuse('401 Unauthorized', 'cluster secret required\n');
    const origin = declaredOrigin(req);
    if (!origin) return refuse('400 Bad Request', 'forwarded request without its origin\n');
    if (!this.upgradeDoor) return refuse('503 Service Unavailable', 'node starting\n', 'X-Harp-Error: no_backend\r\n');
    stripHopFields(req);
    this.upgradeDoor(req, socket, head, origin);
  }

  #authentic(presented: string | string[] | undefined): boolean {
    if (typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    // Constant time, so that the secret cannot be learned a byte at a time from response times.
    return given.length === this.#secret.length && timingSafeEqual(given, this.#secret);
  }
}

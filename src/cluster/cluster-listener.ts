import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Header a node presents its cluster secret in on another node's internal listener. */
export const CLUSTER_SECRET_HEADER = 'x-harp-cluster-secret';

/**
 * The internal listener of cluster mode (`clusterHost`:`clusterPort`), where other nodes will
 * forward requests this node has a member for. Forwarding is not built yet: for now it proves
 * the secret (401 without it) and answers 501, so that the port, the URL in the directory and
 * the authentication exist for the step that adds it. This is its seam: `handle`.
 */
export class ClusterListener {
  readonly #server: Server;
  readonly #secret: Buffer;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret);
    this.#server = createServer((req, res) => this.handle(req, res));
  }

  /** Binds and resolves with the port bound. */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    if (!this.#server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (!this.#authentic(req.headers[CLUSTER_SECRET_HEADER])) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('cluster secret required\n');
      return;
    }
    res.writeHead(501, { 'content-type': 'text/plain' }).end('forwarding between nodes is not built yet\n');
  }

  #authentic(presented: string | string[] | undefined): boolean {
    if (typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    // Constant time, so that the secret cannot be learned a byte at a time from response times.
    return given.length === this.#secret.length && timingSafeEqual(given, this.#secret);
  }
}

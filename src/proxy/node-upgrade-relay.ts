import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { CLUSTER_HOP_FIELDS, HOP_ANSWER_FIELDS, hopFieldsOf } from '../http/cluster-hop.js';
import { endToEnd } from '../http/hop-by-hop.js';
import type { ExchangeReport } from '../exchange/index.js';
import type { RemoteNode } from '../routing/remote-routes.js';
import { sendErrorPage } from './error-page.js';
import { ProxyError } from './proxy-errors.js';
import { joinSockets } from './socket-join.js';
import { switchingHeadOf } from './upgrade-bridge.js';

// The request id is set again, so that both nodes log one id.
const DROPPED: ReadonlySet<string> = new Set([...CLUSTER_HOP_FIELDS, 'x-request-id']);

/** `Connection` and `Upgrade` are hop-by-hop (RFC 9110 §7.6.1, §7.8): the next hop is asked again. */
const UPGRADE_FIELDS = ['Connection', 'Upgrade', 'Upgrade', 'websocket'];

/** One public WebSocket upgrade to carry to another node. */
export interface RelayedUpgrade {
  readonly req: IncomingMessage;
  /** A response on the client's socket, for answers that are not a `101`. */
  readonly res: ServerResponse;
  /** The client's connection, still attached to `res`. */
  readonly socket: Duplex;
  /** Bytes the client sent after its request head. */
  readonly head: Buffer;
  readonly requestId: string;
  readonly report: ExchangeReport;
  /** The request target, origin-form. */
  readonly target: string;
  /** The nodes holding members of the route, in the order to try them. */
  readonly nodes: readonly RemoteNode[];
  /** Called once, when a joined connection is over (its report has status 101 and its bytes). */
  readonly done: () => void;
}

/**
 * Carries a WebSocket upgrade to the internal listener of a node that holds a member of its
 * route (docs/cluster.md, "Upgrades"). A `101` from the node is checked and written to the
 * client, and the two connections are joined both ways; any other answer is passed on as an
 * ordinary response. A node that fails before it answers is skipped for the next (an upgrade is
 * a GET without a body, which may be sent again); when none is left, `fallback` runs.
 */
export class NodeUpgradeRelay {
  constructor(
    private readonly secret: string,
    /** How long a node has to answer the upgrade (its own request timeout answers first). */
    private readonly answerTimeoutMs: number,
  ) {}

  relay(relayed: RelayedUpgrade, fallback: () => void): void {
    const queue = [...relayed.nodes];
    const next = (): void => {
      // A client that left is reported by its response's close (the socket is still attached).
      if (relayed.socket.destroyed) return;
      const node = queue.shift();
      if (!node) return fallback();
      this.#attempt(relayed, node, next);
    };
    next();
  }

  #attempt(relayed: RelayedUpgrade, node: RemoteNode, skip: () => void): void {
    const { req, socket, requestId, report } = relayed;
    const url = new URL(node.url);
    const up = request({
      host: url.hostname,
      port: url.port,
      method: 'GET',
      path: relayed.target,
      headers: [...endToEnd(req.rawHeaders, DROPPED), ...hopFieldsOf(this.secret, req, requestId), ...UPGRADE_FIELDS],
      setHost: false,
      // An upgraded connection never goes back to a pool: each upgrade has a socket of its own.
      agent: false,
    });
    let settled = false;
    const onClientClose = (): void => void up.destroy();
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      socket.off('close', onClientClose);
      return true;
    };
    socket.once('close', onClientClose);
    const timer = setTimeout(() => {
      if (!settle()) return;
      up.destroy();
      this.#fail(relayed, new ProxyError('timeout', `node ${node.nodeId} did not answer the upgrade in time`));
    }, this.answerTimeoutMs);
    // Before any answer, whatever the node did with the upgrade may be done again elsewhere.
    up.on('error', () => {
      if (settle()) skip();
    });
    up.on('response', (answer) => {
      if (!settle()) return void answer.destroy();
      report.backendMs = performance.now() - report.started;
      this.#passOn(relayed, node, answer);
    });
    up.on('upgrade', (answer: IncomingMessage, upSocket: Socket, upHead: Buffer) => {
      if (!settle()) return void upSocket.destroy();
      report.backendMs = performance.now() - report.started;
      this.#join(relayed, node, answer, upSocket, upHead);
    });
    up.end();
  }

  /** The node refused the upgrade (or answered it itself): an ordinary response to the client. */
  #passOn(relayed: RelayedUpgrade, node: RemoteNode, answer: IncomingMessage): void {
    const { res, report } = relayed;
    report.agentId = `node:${node.nodeId}`;
    try {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage || undefined, endToEnd(answer.rawHeaders, HOP_ANSWER_FIELDS));
    } catch (err) {
      answer.destroy();
      return this.#fail(relayed, new ProxyError('bad_response', (err as Error).message, { cause: err }));
    }
    answer.once('error', () => res.destroy());
    answer.once('aborted', () => res.destroy());
    res.once('close', () => {
      if (!answer.complete) answer.destroy();
    });
    answer.pipe(res);
  }

  #join(relayed: RelayedUpgrade, node: RemoteNode, answer: IncomingMessage, upSocket: Socket, upHead: Buffer): void {
    const { res, socket, head, report, done } = relayed;
    report.agentId = `node:${node.nodeId}`;
    // The node's head is written to the client as it is, so it is held to what a backend's is.
    const switching = switchingHeadOf(answer.rawHeaders);
    if (!switching) {
      upSocket.destroy();
      return this.#fail(relayed, new ProxyError('bad_response', 'a field of the 101 answer is invalid'));
    }
    // Gone meanwhile: its response's close has reported it, nothing to join.
    if (socket.destroyed) return void upSocket.destroy();
    res.detachSocket(socket as Socket);
    report.status = 101;
    report.responseHead = switching;
    (socket as Partial<Socket>).setNoDelay?.(true);
    upSocket.setNoDelay(true);
    socket.write(switching);
    if (upHead.length > 0) socket.write(upHead);
    if (head.length > 0) upSocket.write(head);
    report.bytesIn = head.length;
    report.bytesOut = upHead.length;
    socket.on('data', (chunk: Buffer) => (report.bytesIn += chunk.length));
    upSocket.on('data', (chunk: Buffer) => (report.bytesOut += chunk.length));
    joinSockets(socket, upSocket, () => {
      // Both directions ended cleanly, or the connection was cut.
      report.complete = socket.readableEnded && upSocket.readableEnded;
      done();
    });
  }

  #fail({ res, socket, report, requestId }: RelayedUpgrade, error: ProxyError): void {
    if (res.headersSent || socket.destroyed) return void socket.destroy();
    report.errorCode = error.code;
    sendErrorPage(res, error, requestId);
  }
}

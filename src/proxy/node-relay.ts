import { Agent, request, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { CLUSTER_HOP_FIELDS, HOP_ANSWER_FIELDS, HOP_IDLE_SOCKET_MS, hopFieldsOf, NO_MEMBER_HEADER } from '../http/cluster-hop.js';
import { endToEnd } from '../http/hop-by-hop.js';
import type { ExchangeReport } from '../exchange/index.js';
import type { RemoteNode } from '../routing/remote-routes.js';
import type { Route } from '../routing/route.js';
import { sendErrorPage } from './error-page.js';
import { closeAfterResponse, type LingerOptions } from './lingering-close.js';
import { ProxyError } from './proxy-errors.js';
import { writeHeadOnly } from './head-only-response.js';
import { writeInterim } from './interim-response.js';
import { rawPairs, relayRequestTrailers, relayResponseTrailers } from './trailer-relay.js';

// The request id is set again (the same id on both nodes); `Expect` is answered on this node.
const DROPPED: ReadonlySet<string> = new Set([...CLUSTER_HOP_FIELDS, 'x-request-id', 'expect']);

/** Methods a node may be sent again after it may have acted on them (RFC 9110 §9.2.2). */
const IDEMPOTENT_WITHOUT_EFFECT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);


/** What a failure on a kept-alive connection says: the node closed an idle socket, not that it is down. */
const STALE_SOCKET_ERRORS: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE']);

/** A public request routing sent to the cluster. */
export interface ClusterRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly report: ExchangeReport;
  /** The request target, origin-form. */
  readonly target: string;
  readonly hasBody: boolean;
}

/** One public request to carry to another node: where it is matched and which nodes to try. */
export interface RelayedRequest extends ClusterRequest {
  /** The route the request was matched to in the directory. */
  readonly route: Route;
  /** The nodes holding members of the route, in the order to try them. */
  readonly nodes: readonly RemoteNode[];
}

/**
 * Told of a node that failed to take a request: the connection failed (no `route`), or the node
 * answered that it has no member of `route` (its own `503 no_backend`).
 */
export type NodeFailed = (node: RemoteNode, route: Route | undefined) => void;

/**
 * Carries a public request to the internal listener of a node that holds a member of its route
 * (docs/cluster.md, "Forwarding"): one keep-alive agent per node, both bodies streamed with
 * backpressure, the hop's fields added. A node that fails before it got the request (or, for an
 * idempotent request without a body, before it answered), or answers its own `503 no_backend`
 * before the body started, is skipped for the next, and `failed` is told unless its members
 * were merely busy; when none is left, `fallback` runs (routing again: the route's grace, or
 * this node's own behaviour; `busy` when a node was skipped for that reason). Once the request
 * body has started to flow, a failure is the client's error page: the body cannot be sent
 * twice.
 */
export class NodeRelay {
  readonly #agents = new Map<string, Agent>();

  constructor(
    private readonly secret: string,
    /** How long a node has to start answering once it has the whole request. */
    private readonly answerTimeoutMs: number,
    private readonly linger: LingerOptions,
    private readonly failed: NodeFailed = () => undefined,
  ) {}

  relay(relayed: RelayedRequest, fallback: (busy: boolean) => void): void {
    const queue = [...relayed.nodes];
    let busy = false;
    const next = (skippedBusy = false): void => {
      busy ||= skippedBusy;
      const node = queue.shift();
      if (!node || relayed.res.destroyed) return node ? undefined : fallback(busy);
      this.#attempt(relayed, node, next);
    };
    next();
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
    this.#agents.clear();
  }

  #attempt(relayed: RelayedRequest, node: RemoteNode, skip: (busy?: boolean) => void): void {
    const { req, res, report } = relayed;
    const url = new URL(node.url);
    const headers = [...endToEnd(req.rawHeaders, DROPPED), ...this.#hopFields(relayed)];
    const up: ClientRequest = request({
      host: url.hostname,
      port: url.port,
      method: req.method,
      path: relayed.target,
      headers,
      setHost: false,
      agent: this.#agentFor(node.url),
    });
    let bodyStarted = false;
    // Once connected, the node has the request head and may act on it before it fails.
    let headSent = false;
    let answered = false;
    let timer: NodeJS.Timeout | undefined;
    const onClientClose = (): void => {
      if (!res.writableFinished) up.destroy();
    };
    res.once('close', onClientClose);
    const fail = (error: ProxyError): void => {
      clearTimeout(timer);
      res.off('close', onClientClose);
      if (res.destroyed) return;
      if (res.headersSent) return void res.destroy(error);
      report.errorCode = error.code;
      // A body still arriving is not read to its end: the connection closes after this page.
      if (!req.complete) closeAfterResponse(req, res, this.linger);
      sendErrorPage(res, error, relayed.requestId);
    };
    up.on('error', (err) => {
      if (answered || res.destroyed) return;
      clearTimeout(timer);
      res.off('close', onClientClose);
      // Nothing of the request reached the node, or what did may be repeated: another node, or
      // this one, can still take it. A fresh connection that failed means the node is down.
      if (!bodyStarted && (!headSent || IDEMPOTENT_WITHOUT_EFFECT.has(req.method ?? 'GET'))) {
        const stale = up.reusedSocket && STALE_SOCKET_ERRORS.has((err as NodeJS.ErrnoException).code ?? '');
        if (!stale) this.failed(node, undefined);
        return skip();
      }
      fail(new ProxyError('agent_gone', `node ${node.nodeId} failed: ${err.message}`, { cause: err }));
    });
    up.on('finish', () => {
      timer = setTimeout(() => {
        fail(new ProxyError('timeout', `node ${node.nodeId} did not answer in time`));
        up.destroy();
      }, this.answerTimeoutMs);
    });
    // The other node's interim responses (a backend's 103) reach the client as they come.
    up.on('information', (info) => {
      if (answered || res.destroyed) return;
      writeInterim(req, res, { status: info.statusCode, reason: info.statusMessage ?? '', headers: rawPairs(info.rawHeaders) });
    });
    up.on('response', (answer) => {
      answered = true;
      clearTimeout(timer);
      // The node said itself that it has no member to give the request (its agent just left, or
      // all are busy): nothing was done, and with no body sent the next node can take it whole.
      const noMember = answer.statusCode === 503 && answer.headers['x-harp-error'] === 'no_backend' ? answer.headers[NO_MEMBER_HEADER] : undefined;
      if (!bodyStarted && (noMember === 'vacant' || noMember === 'busy') && !res.destroyed) {
        answer.resume();
        res.off('close', onClientClose);
        if (noMember === 'vacant') this.failed(node, relayed.route);
        return skip(noMember === 'busy');
      }
      this.#respond(relayed, node, answer);
    });
    // The body flows only once the node has accepted the connection, so that a node that is down
    // costs the request nothing and the next one can take it whole.
    up.once('socket', (socket) => {
      const start = (): void => {
        headSent = true;
        if (!relayed.hasBody) return;
        bodyStarted = true;
        relayRequestTrailers(req, up);
        pipeline(req, up, (err) => {
          if (err && !answered) fail(new ProxyError('agent_gone', `request body not relayed: ${err.message}`, { cause: err }));
        });
      };
      if (socket.connecting) socket.once('connect', start);
      else start();
    });
    if (!relayed.hasBody) up.end();
  }

  #respond(relayed: RelayedRequest, node: RemoteNode, answer: IncomingMessage): void {
    const { res, report } = relayed;
    if (res.destroyed) return void answer.destroy();
    report.agentId = `node:${node.nodeId}`;
    const fields = endToEnd(answer.rawHeaders, HOP_ANSWER_FIELDS);
    const status = answer.statusCode ?? 502;
    try {
      // An answer with no body is its head alone: to an HTTP/2 client, one HEADERS frame that
      // ends the stream, where gRPC reads a trailers-only status (head-only-response.ts).
      if (hasNoBody(relayed.req.method, status, answer)) {
        writeHeadOnly(res, status, answer.statusMessage || undefined, fields);
        return void answer.resume();
      }
      res.writeHead(status, answer.statusMessage || undefined, fields);
    } catch (err) {
      answer.destroy();
      report.errorCode = 'bad_response';
      return sendErrorPage(res, new ProxyError('bad_response', (err as Error).message, { cause: err }), relayed.requestId);
    }
    // A head without a length may be an event stream: it goes out now, not with the first event.
    if (answer.headers['content-length'] === undefined) res.flushHeaders();
    // pipe() rather than pipeline(): pipeline puts seven listeners on a ServerResponse, which
    // runs into Node's leak warning with the proxy's own. The client leaving is handled by the
    // request's close listener (it destroys the hop); the node failing mid-body aborts the client.
    answer.once('error', () => res.destroy());
    answer.once('aborted', () => res.destroy());
    relayResponseTrailers(answer, res);
    answer.pipe(res);
  }

  #hopFields({ req, requestId, hasBody }: RelayedRequest): string[] {
    const fields = hopFieldsOf(this.secret, req, requestId);
    // Transfer-Encoding is hop-by-hop: a body of unknown length is framed again for this hop.
    if (hasBody && req.headers['content-length'] === undefined) fields.push('Transfer-Encoding', 'chunked');
    return fields;
  }

  #agentFor(url: string): Agent {
    let agent = this.#agents.get(url);
    if (!agent) this.#agents.set(url, (agent = new Agent({ keepAlive: true, timeout: HOP_IDLE_SOCKET_MS })));
    return agent;
  }
}

/** Whether the node's answer has no body: by its method or status, or an empty length. */
function hasNoBody(method: string | undefined, status: number, answer: IncomingMessage): boolean {
  return method === 'HEAD' || status === 204 || status === 304 || answer.headers['content-length'] === '0';
}

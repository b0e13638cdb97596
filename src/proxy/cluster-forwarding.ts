import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RemoteMatch } from '../routing/remote-routes.js';
import type { RoutingService } from '../routing/routing.service.js';
import type { ClusterRequest, NodeRelay } from './node-relay.js';

/** What the proxy does with a request when the cluster cannot take it as it stands. */
export interface ClusterOutcomes {
  /** Routes the request again: the directory changed (a node failed, a route came back). */
  readonly again: () => void;
  /**
   * Answers as this node alone would: its member, the cache or 503; once the wait is over, or
   * when the route's nodes are busy (no one waits behind saturated members).
   */
  readonly giveUp: () => void;
}

/**
 * Most times one request is sent round the route's nodes without waiting in between. Each round
 * marks the nodes that failed (so routing moves on), but a node whose kept-alive sockets all went
 * stale costs one round per socket; past this, the request is answered here.
 */
const MAX_ROUNDS = 8;

/** Per request: its rounds so far and when it stops waiting. */
interface Progress {
  rounds: number;
  readonly deadline: number;
}

/**
 * The cluster part of a request's way (docs/cluster.md, "Forwarding" and "Route grace across
 * nodes"): to a node of its route, from a random one on; or, while the route is vacant in the
 * whole cluster (its nodes left, died or failed to take it), waiting in the route's grace, its
 * body unread, until a node lists it again or a member registers here. Each request waits at
 * most the request timeout over all its waits.
 */
export class ClusterForwarding {
  readonly #progress = new WeakMap<IncomingMessage, Progress>();

  constructor(
    private readonly routing: RoutingService,
    private readonly relay: NodeRelay,
    private readonly requestTimeoutMs: number,
    /** Sends `100 Continue` to a client whose expectation was held back, once its body is wanted. */
    private readonly invite: (req: IncomingMessage, res: ServerResponse) => void,
  ) {}

  take(request: ClusterRequest, match: RemoteMatch, outcomes: ClusterOutcomes): void {
    const { req } = request;
    let progress = this.#progress.get(req);
    if (!progress) this.#progress.set(req, (progress = { rounds: 0, deadline: Date.now() + this.requestTimeoutMs }));
    if (match.nodes.length === 0) return this.#hold(request, match, progress, outcomes);
    if (++progress.rounds > MAX_ROUNDS) return outcomes.giveUp();
    request.report.route = match.route;
    this.invite(req, request.res);
    // A node whose members are all busy answers at once in one proxy: nothing waits behind it.
    this.relay.relay({ ...request, route: match.route, nodes: spread(match.nodes) }, (busy) => (busy ? outcomes.giveUp() : outcomes.again()));
  }

  #hold(request: ClusterRequest, match: RemoteMatch, progress: Progress, { again, giveUp }: ClusterOutcomes): void {
    const { res, report } = request;
    report.route = match.route;
    const hold = this.routing.holdRemote(match, progress.deadline - Date.now());
    if (!hold) return giveUp();
    const leave = (): void => hold.release();
    res.once('close', leave);
    void hold.member.then((woken) => {
      res.off('close', leave);
      if (res.destroyed) return;
      if (!woken) return giveUp();
      // Something changed in the directory or here: a new start, not a loop.
      progress.rounds = 0;
      again();
    });
  }
}

/** The nodes of a route from a random one on, so that the nodes' load is shared. */
export function spread<T>(nodes: readonly T[]): T[] {
  const start = Math.floor(Math.random() * nodes.length);
  return [...nodes.slice(start), ...nodes.slice(0, start)];
}

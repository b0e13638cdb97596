import { AgentStats } from './agent-stats.js';
import type { ClaimedRoute } from './key-rules.js';
import type { KeyRule } from '../config/index.js';
import type { RequestHead, TunnelFeature } from '../protocol/index.js';
import type { TunnelBackend } from './tunnel-backend.js';
import type { TunnelConnection } from '../tunnel/tunnel-connection.js';
import type { TunnelStream } from '../tunnel/tunnel-stream.js';

/** Where an agent's connection is in its life. */
export type SessionState = 'hello' | 'active' | 'draining' | 'closed';

/** One connected agent: its tunnel, the key it proved, and the routes it holds. */
export class AgentSession implements TunnelBackend {
  state: SessionState = 'hello';
  rule?: KeyRule;
  name?: string;
  /** The share of each pool the agent asked for in its hello (1…100). */
  weight = 1;
  /**
   * The optional features `welcome` names (docs/protocol.md §3.5): set when the agent's
   * handshake offered some, undefined (no `features` in `welcome`) when it offered none.
   */
  features?: TunnelFeature[];
  /** Last measured heartbeat round trip, in ms. */
  rttMs?: number;
  readonly connectedAt = new Date();
  readonly routes = new Map<string, ClaimedRoute>();
  /** The subdomain each route holds (by {@link routeKey}), for routes under the public domain. */
  readonly names = new Map<string, string>();
  /** The timer that ends each route with a `ttl` (by {@link routeKey}). */
  readonly expiries = new Map<string, NodeJS.Timeout>();
  /** The register and unregister being handled: they run in order, some wait for the cluster. */
  pending: Promise<void> = Promise.resolve();
  /** Requests, errors, bytes and latency of this connection (fed from exchange reports). */
  readonly stats = new AgentStats();

  constructor(
    readonly id: string,
    readonly tunnel: TunnelConnection<'proxy'>,
    readonly remoteAddress: string,
  ) {}

  get keyId(): string {
    return this.rule?.id ?? '';
  }

  isAcceptingStreams(): boolean {
    return (
      this.state === 'active' &&
      !this.tunnel.isClosed &&
      this.tunnel.streams.size < this.tunnel.limits.maxStreams
    );
  }

  isRetiring(): boolean {
    return this.state === 'draining' || this.state === 'closed' || this.tunnel.isClosed;

  }

  /** Open streams are the requests in flight (a WebSocket or event stream counts while open). */
  inFlight(): number {
    return this.tunnel.streams.size;
  }

  openStream(head: RequestHead, endStream: boolean): TunnelStream {
    return this.tunnel.openStream(head, endStream);
  }
}

/** The map key of a route in a session's route list. */
export const routeKey = (route: ClaimedRoute): string => `${route.host}\n${route.path}`;

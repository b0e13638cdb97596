import type { ExchangeSummaryView } from '../inspector/inspector-views.js';
import type { TrafficReading } from './traffic-window.js';

/**
 * The live state of the proxy as `GET /_harp/api/stats` returns it and the `stats` event of
 * `GET /_harp/api/events` carries it (every second).
 */
export interface StatsView extends TrafficReading {
  /** When this was taken, ISO 8601. */
  readonly at: string;
  /** The node these figures are of (`nodeId`): live stats are per node, also in a cluster. */
  readonly node: string;
  readonly uptimeSeconds: number;
  /** Connected agents (authenticated). */
  readonly agents: number;
  /** Routes in the table. */
  readonly routes: number;
  /** Lookups since start-up; `hitRatio` is hits / (hits + misses), null before any. */
  readonly cache: {
    readonly hits: number;
    readonly misses: number;
    readonly hitRatio: number | null;
  };
}

/** An agent that connected (key accepted) or went away. */
export interface AgentEventView {
  readonly agentId: string;
  readonly keyId: string;
  readonly name: string | null;
}

/**
 * The events of `GET /_harp/api/events` (`text/event-stream`): each is an SSE `event:` name
 * with one JSON `data:` line.
 *
 * - `stats`: {@link StatsView}, once at the start and then every second;
 * - `agent.connected`, `agent.disconnected`: {@link AgentEventView};
 * - `routes.changed`: `{ "routes": <count> }` — the table changed; fetch `/_harp/api/routes`;
 * - `exchange`: an {@link ExchangeSummaryView} per finished public request (its `id` is the
 *   inspector's, fetchable while the inspector holds it);
 * - `dropped`: `{ "count": n }` — n exchange events were not sent: requests came faster than 200
 *   a second, or this client read too slowly.
 */
export interface LiveEventMap {
  readonly stats: StatsView;
  readonly 'agent.connected': AgentEventView;
  readonly 'agent.disconnected': AgentEventView;
  readonly 'routes.changed': { readonly routes: number };
  readonly exchange: ExchangeSummaryView;
  readonly dropped: { readonly count: number };
}

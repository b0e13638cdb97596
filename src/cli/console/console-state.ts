import type { AcceptedRoute, RouteClaim } from '../../protocol/index.js';
import { publicUrl } from '../output.js';
import { RequestStats } from './request-stats.js';
import type { RequestNumbers } from './request-stats.js';

// What the agent console knows, as plain data fed with the agent's events and the time they
// came: the status block is drawn from a StatusView, which a test can also write by hand.

/** Where one connection stands. `reconnecting` turns into `connecting` once its delay is over. */
export type ConnectionState =
  | { readonly state: 'connecting' }
  | { readonly state: 'online' }
  | { readonly state: 'reconnecting'; readonly retryAt: number; readonly reason?: string }
  | { readonly state: 'draining'; readonly reason?: string }
  | { readonly state: 'offline'; readonly reason?: string };

/** One local server and the routes it serves: `harp http` has one, `harp start` one per service. */
export interface ConsoleService {
  readonly name?: string;
  /** Its origin, e.g. `http://127.0.0.1:3000`. */
  readonly upstream: string;
  /** The routes asked for it, matched against the accepted ones to name their upstream. */
  readonly routes: ReadonlyArray<Pick<RouteClaim, 'host' | 'path'>>;
}

/** A public URL and the local server behind it. */
export interface Forwarding {
  readonly url: string;
  readonly upstream: string;
}

/** Everything one drawing of the status block needs, as of `now`. */
export interface StatusView {
  /** The command, e.g. `harp http`. */
  readonly title: string;
  readonly now: number;
  readonly connections: ReadonlyArray<{ readonly label: string; readonly connection: ConnectionState }>;
  readonly forwarding: readonly Forwarding[];
  readonly requests: RequestNumbers;
  /** Set after the first Ctrl-C: the agent takes no new requests and waits for these. */
  readonly stopping?: boolean;
  /** Set once the agent has stopped: the last drawing, left on the screen. */
  readonly stopped?: boolean;
}

/** The upstream of an accepted route: the service that asked for it (else the first one). */
export function upstreamOf(services: readonly ConsoleService[], route: Pick<RouteClaim, 'host' | 'path'>): string {
  const asker = services.find((s) => s.routes.some((r) => r.host === route.host && r.path === route.path));
  return (asker ?? services[0])?.upstream ?? '';
}

/** The console's model: connections by label, the routes each registered, the request numbers. */
export class ConsoleState {
  private readonly connections = new Map<string, ConnectionState>();
  /** Each connection's accepted routes: what the block shows, and the route it is, to take it back. */
  private readonly routes = new Map<string, Array<Forwarding & { readonly host: string; readonly path: string }>>();
  private readonly stats: RequestStats;
  private stopping = false;
  private stopped = false;

  constructor(
    private readonly title: string,
    private readonly services: readonly ConsoleService[],
    servers: readonly string[],
    now: number,
  ) {
    this.stats = new RequestStats(now);
    for (const server of servers) this.connections.set(server, { state: 'connecting' });
  }

  /** A connection's state changed. A name resolved to several addresses stands for none of its own. */
  connection(label: string, state: ConnectionState, byName?: string): void {
    if (byName !== undefined && byName !== label && this.connections.get(byName)?.state === 'connecting') {
      this.connections.delete(byName);
    }
    this.connections.set(label, state);
  }

  /**
   * `label` registered `accepted` on `server` (as given on the command line). Each route shows
   * the URL the proxy gave, else one made from the server's; `places` (each accepted route's
   * place among the routes asked for, one service per route) names its upstream, else its host
   * and path do.
   */
  registered(label: string, server: string, accepted: readonly AcceptedRoute[], byName?: string, places?: readonly number[]): void {
    this.connection(label, { state: 'online' }, byName);
    this.routes.set(
      label,
      accepted.map((route, i) => ({
        url: route.url ?? publicUrl(server, route),
        upstream: this.services[places?.[i] ?? -1]?.upstream ?? upstreamOf(this.services, route),
        host: route.host,
        path: route.path,
      })),
    );
  }

  /** Routes `label`'s proxy took back, or whose ttl ended. */
  withdrawn(label: string, _server: string, routes: ReadonlyArray<Pick<RouteClaim, 'host' | 'path'>>): void {
    const gone = new Set(routes.map((r) => `${r.host}${r.path}`));
    this.routes.set(label, (this.routes.get(label) ?? []).filter((f) => !gone.has(`${f.host}${f.path}`)));
  }

  /** A connection is down: its public URLs are not served through it meanwhile. */
  down(label: string, state: ConnectionState): void {
    this.connection(label, state);
    this.routes.delete(label);
  }

  /** Every connection is down (the agent stopped). */
  allDown(state: ConnectionState): void {
    for (const label of [...this.connections.keys()]) this.down(label, state);
  }

  /** The public URLs `label` serves, in the order its proxy accepted the routes. */
  forwardingOf(label: string): readonly Forwarding[] {
    return (this.routes.get(label) ?? []).map(({ url, upstream }) => ({ url, upstream }));
  }

  requestStarted(): void {
    this.stats.started();
  }

  requestEnded(now: number, ms: number): void {
    this.stats.ended(now, ms);
  }

  /** The first Ctrl-C. */
  stop(): void {
    this.stopping = true;
  }

  /** The agent has stopped: every connection is down. */
  end(): void {
    this.stopped = true;
    this.allDown({ state: 'offline', reason: 'stopped' });
  }

  inFlight(now: number): number {
    return this.stats.numbers(now).inFlight;
  }

  view(now: number): StatusView {
    const forwarding = new Map<string, Forwarding>();
    for (const list of this.routes.values()) for (const { url, upstream } of list) forwarding.set(url, { url, upstream });
    return {
      title: this.title,
      now,
      connections: [...this.connections].map(([label, connection]) => ({ label, connection: settled(connection, now) })),
      forwarding: [...forwarding.values()],
      requests: this.stats.numbers(now),
      ...(this.stopping ? { stopping: true } : {}),
      ...(this.stopped ? { stopped: true } : {}),
    };
  }
}

// A reconnect whose delay is over is an attempt under way.
function settled(connection: ConnectionState, now: number): ConnectionState {
  return connection.state === 'reconnecting' && connection.retryAt <= now ? { state: 'connecting' } : connection;
}

import type { RouteRejection } from '../protocol/index.js';

/**
 * Where the application's tunnel stands:
 * - `starting`: the application has not finished starting, no agent yet;
 * - `connecting`: no proxy has the routes now (first attempt, or reconnecting after a loss);
 * - `registered`: at least one proxy has them and sends requests;
 * - `rejected`: every proxy refused the key; nothing is retried;
 * - `closed`: shut down (the application is stopping, or every proxy drained it).
 */
export type TunnelState = 'starting' | 'connecting' | 'registered' | 'rejected' | 'closed';

/** What the application can read of its tunnel (HarpTunnel.status()). */
export interface TunnelStatus {
  readonly state: TunnelState;
  /** The routes the latest registration accepted, as `host` + `path` (`*` + `/` is `*\/`). */
  readonly routes: readonly string[];
  /** The routes it refused, with the proxy's code and reason. */
  readonly refused: readonly RouteRejection[];
  /** Why the key was refused, when `state` is `rejected`. */
  readonly reason?: string;
}

/** The facts the agent and its events give. */
export interface TunnelFacts {
  readonly started: boolean;
  readonly closed: boolean;
  readonly rejected: boolean;
  readonly registered: boolean;
}

/** The state those facts amount to; a refusal outranks a close, which is how a refused agent ends. */
export function tunnelState({ started, closed, rejected, registered }: TunnelFacts): TunnelState {
  if (!started) return 'starting';
  if (rejected) return 'rejected';
  if (closed) return 'closed';
  return registered ? 'registered' : 'connecting';
}

/** Whether the tunnel brings the application traffic: registered, with a route accepted. */
export function isServing(status: TunnelStatus): boolean {
  return status.state === 'registered' && status.routes.length > 0;
}

/** A route as the status lists it. */
export function routeName(route: { host: string; path: string }): string {
  return `${route.host}${route.path}`;
}

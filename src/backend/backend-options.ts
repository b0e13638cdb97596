import type { ConnectOptions } from '../agent/index.js';

/**
 * Options of {@link HarpBackendModule}: those of `connect()` from `harp-proxy/agent`, except
 * where requests go, which is always this application's own HTTP server.
 */
export interface HarpBackendOptions extends Omit<ConnectOptions, 'upstream' | 'handler' | 'upgrade' | 'h2'> {
  /**
   * Whether the application's start-up waits until the routes are registered on the first
   * proxy (and fails if every proxy refuses the key). With `false` it goes on at once and the
   * agent keeps trying in the background; {@link HarpTunnelHealthIndicator} says when it is up.
   * With `true` and no proxy reachable, start-up waits while the agent reconnects.
   * @default true
   */
  awaitRegistration?: boolean;
  /**
   * On shutdown, how long requests already on their way (and open WebSockets) get to finish
   * after the proxies stopped sending new ones; then the tunnel closes.
   * @default 10000
   */
  drainTimeoutMs?: number;
}

/** {@link HarpBackendOptions.drainTimeoutMs} when none is given. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

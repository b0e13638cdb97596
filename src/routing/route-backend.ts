/**
 * What routing needs to know about a backend connection. The registration module's session
 * object implements it; routing never touches the socket.
 */
export interface RouteBackend {
  /** Unique per connection, for logs and listings. */
  readonly id: string;
  /** The id of the key the agent authenticated with; it owns the routes this backend creates. */
  readonly keyId: string;
  /**
   * This backend's share of each pool it is in, relative to the other members: 1…100, as the
   * agent asked when it connected (1 when it did not).
   */
  readonly weight: number;
  /** False while draining, closing or otherwise unable to open a new stream. */
  isAcceptingStreams(): boolean;
  /**
   * True once the backend is draining or closing: it takes no new stream and never will again,
   * so a request that finds only such members waits for a replacement rather than failing.
   */
  isRetiring(): boolean;
  /** Requests this backend is serving now, for least-requests balancing. */
  inFlight(): number;
}

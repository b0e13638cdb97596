/**
 * Where a {@link ProxyExchange} is: the lifecycle of an undici dispatch (start → response
 * start → body → end | error), seen from the proxy.
 *
 * admitted → forwarded (→ forwarded, on another backend after a refusal) → response-started →
 * finished | failed; or forwarded → upgraded | finished | failed. Any live phase may fail.
 */
export type ExchangePhase =
  /** Routed to a backend; nothing sent to it yet. */
  | 'admitted'
  /** The request head went out on a stream; no response head yet. */
  | 'forwarded'
  /** The backend's response head went to the client; the body is being relayed. */
  | 'response-started'
  /** A `101`: the client's connection and the stream now belong to the upgrade bridge. */
  | 'upgraded'
  /** Over: the response, or the observer's own answer, went out in full. */
  | 'finished'
  /**
   * Over, cut short: an error page, an aborted client connection, a backend body that broke
   * its framing, or a client that left before the stream ended.
   */
  | 'failed';

/** Whether the exchange is over: its stream's late events (a head, an error) are ignored. */
export function isOver(phase: ExchangePhase): boolean {
  return phase === 'upgraded' || phase === 'finished' || phase === 'failed';
}

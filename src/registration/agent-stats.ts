import { LatencyHistogram } from './latency-histogram.js';

/** What one finished exchange contributes to its agent's stats (`ExchangeReport` fits). */
export interface ExchangeOutcome {
  /** Status sent to the client; 0 if none was. */
  readonly status: number;
  /** The proxy's error code when it answered with an error page. */
  readonly errorCode?: string;
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** ms until the agent's response head; undefined when none came. */
  readonly backendMs?: number;
}

/**
 * Running totals of one agent connection, for the admin API. Constant memory: counters and a
 * fixed-bucket histogram. Lives and dies with its {@link AgentSession}.
 */
export class AgentStats {
  requests = 0;
  /** Exchanges that ended in a 5xx or with an error code of the proxy (`X-Harp-Error`). */
  errors = 0;
  bytesIn = 0;
  bytesOut = 0;
  /** Time to the agent's response head, per exchange that got one. */
  readonly latency = new LatencyHistogram();

  record(outcome: ExchangeOutcome): void {
    this.requests++;
    if (outcome.status >= 500 || outcome.errorCode !== undefined) this.errors++;
    this.bytesIn += outcome.bytesIn;
    this.bytesOut += outcome.bytesOut;
    if (outcome.backendMs !== undefined) this.latency.record(outcome.backendMs);
  }
}
